using Xunit;
using ClosedLoop.Core.Diagnostics;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Recording;
using ClosedLoop.Runtime.Safety;

namespace ClosedLoop.Runtime.Tests.Recording;

public class LoopRecorderTests
{
    private static readonly LoopStartInfo s_info = new(1000, 10, 0.1, 1_000_000, 1_000_000_000, 2, OverrunPolicy.Skip, true, "l5-spiking", 12345);

    private static StepRecord MakeStep(long step, bool newInput, float coupling, GovernorReason reasons, byte mask)
    {
        LeverSet levers = LeverSet.Neutral;
        levers.Coupling = coupling;
        var record = new StepRecord
        {
            Step = step,
            Timing = new StepTiming(step * 1_000_000 + 20, step * 1_000_000, step == 3, step == 3 ? 1 : 0),
            ComputeTicks = 777,
            NewInput = newInput,
            Input = new ArousalEstimate(0.25f, SampleQuality.Good, 1.5, 99, (ulong)step),
            InputPublishCount = step + 1,
            LeverTargets = levers,
            Readout = new CircuitReadout(step * 1.0, 5f, 6f, 7f, 0.1f, 1f, 3),
            Output = new OutputFrame { Step = step, ChannelCount = 2, InterventionMask = mask, Safety = SafetyState.Armed },
            DeviceAckTicks = step * 10,
            Reasons = reasons,
        };
        record.Output.Values[0] = step;
        record.Output.Values[1] = -step;
        return record;
    }

    [Fact]
    public async Task OnStep_WritesInputsOnlyWhenNewAndLeversOnlyWhenChanged()
    {
        using var dir = new TempDirectory();
        string path = dir.File("loop.clrec");
        using (var recorder = new LoopRecorder(new RecordingWriter(path), "[model]\nname = \"l5\"\n"))
        {
            recorder.OnStart(s_info);
            recorder.OnStep(MakeStep(0, true, 1f, GovernorReason.None, 0));
            recorder.OnStep(MakeStep(1, false, 1f, GovernorReason.None, 0));
            recorder.OnStep(MakeStep(2, true, 0.5f, GovernorReason.RangeClamp | GovernorReason.SlewLimit, 0b11));
            recorder.OnStep(MakeStep(3, false, 0.5f, GovernorReason.Disarmed, 0));
            recorder.OnStop(4);
        }
        RecordingContents log = await RecordingReader.ReadAllAsync(path);
        Assert.Empty(log.Damage);
        var r = log.Records;
        Assert.Equal(("l5-spiking", "[model]\nname = \"l5\"\n"), RecordDecoder.Config(r[0].Payload.Span));
        Assert.Equal(s_info, RecordDecoder.LoopStart(r[1].Payload.Span, "l5-spiking"));
        Assert.Equal(new long[] { 0, 2 }, r.Where(x => x.Type == RecordType.ArousalEstimate).Select(x => x.Step));
        Assert.Equal(new long[] { 0, 2 }, r.Where(x => x.Type == RecordType.LeverChange).Select(x => x.Step));
        Assert.Equal(0.5f, RecordDecoder.LeverChange(r.Last(x => x.Type == RecordType.LeverChange).Payload.Span).Coupling);
        Assert.Equal(4, r.Count(x => x.Type == RecordType.OutputFrame));
        Assert.Equal(4, r.Count(x => x.Type == RecordType.Readout));

        RecordedTiming t3 = RecordDecoder.StepTiming(r.Single(x => x.Type == RecordType.StepTiming && x.Step == 3).Payload.Span);
        Assert.Equal(new RecordedTiming(3_000_020, 3_000_000, 777, 30, 1, true), t3);
        Assert.Equal(new StepTiming(3_000_020, 3_000_000, true, 1), t3.ToStepTiming());

        var interventions = r.Where(x => x.Type == RecordType.SafetyIntervention)
            .Select(x => (x.Step, RecordDecoder.SafetyIntervention(x.Payload.Span))).ToList();
        Assert.Equal(3, interventions.Count);
        Assert.Equal((2L, (byte)0, GovernorReason.RangeClamp | GovernorReason.SlewLimit, 2f),
            (interventions[0].Step, interventions[0].Item2.Channel, interventions[0].Item2.Reasons, interventions[0].Item2.After));
        Assert.Equal((byte)1, interventions[1].Item2.Channel);
        Assert.Equal((3L, SafetyIntervention.AllChannels, GovernorReason.Disarmed),
            (interventions[2].Step, interventions[2].Item2.Channel, interventions[2].Item2.Reasons));

        LogRecord stop = r[^1];
        Assert.Equal((RecordType.Marker, 3L), (stop.Type, stop.Step));
        Assert.Equal((LoopRecorder.LoopStoppedMarker, "loop stopped after 4 steps"), RecordDecoder.Marker(stop.Payload.Span));
    }

    [Fact]
    public void OnStep_EveryKindOfRecord_AllocatesNothing()
    {
        using var dir = new TempDirectory();
        using var recorder = new LoopRecorder(new RecordingWriter(dir.File("alloc.clrec")), "x = 1\n");
        recorder.OnStart(s_info);
        StepRecord a = MakeStep(1, true, 1f, GovernorReason.RangeClamp, 0b101);
        StepRecord b = MakeStep(2, true, 0.5f, GovernorReason.EStop, 0); // levers change every call, all-channel intervention
        long bytes = SteadyState.BytesAllocated(() =>
        {
            recorder.OnStep(a);
            recorder.OnStep(b);
        }, 20_000);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void WriterRecordMethods_AllocateNothing_AlsoWhenRingIsFull()
    {
        using var dir = new TempDirectory();
        // A tiny ring that the drain thread never empties while we measure: most calls take the drop path.
        using var writer = new RecordingWriter(dir.File("alloc2.clrec"), new RecordingWriterOptions { RingCapacity = 4, PollInterval = TimeSpan.FromHours(1) });
        var sample = new ArousalSample(3.2, 0.9f, 0, ArousalSourceKind.Pupil, 10.0, 123, 7);
        var estimate = new ArousalEstimate(0.5f, SampleQuality.Good, 10.0, 123, 7);
        LeverSet levers = LeverSet.Neutral;
        var frame = new OutputFrame { Step = 5, ChannelCount = 4 };
        var timing = new RecordedTiming(1, 2, 3, 4, 0, false);
        var intervention = new SafetyIntervention(GovernorReason.ChargeLimit, 1, 2f, 1f);
        var readout = new CircuitReadout(1, 2, 3, 4, 5, 6, 7);
        long bytes = SteadyState.BytesAllocated(() =>
        {
            writer.RecordInput(5, sample);
            writer.RecordEstimate(5, estimate, 9);
            writer.RecordLevers(5, levers);
            writer.RecordOutput(frame);
            writer.RecordTiming(5, timing);
            writer.RecordIntervention(5, intervention);
            writer.RecordReadout(5, readout);
            writer.RecordMarker(5, 42);
        }, 10_000);
        Assert.Equal(0, bytes);
        Assert.True(writer.Dropped > 200_000, $"dropped {writer.Dropped}: the drop path was not exercised");
    }
}
