using Xunit;
using ClosedLoop.Core.Diagnostics;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Recording;
using ClosedLoop.Runtime.Safety;
using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Safety;
using ClosedLoop.TestSupport;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Runtime.Tests.Recording;

public class LoopRecorderTests
{
    internal static readonly LoopStartInfo s_info = new(1000, 10, 0.1, 1_000_000, 1_000_000_000, 2, OverrunPolicy.Skip, true, "l5-spiking", 12345);

    internal static StepRecord MakeStep(long step, bool newInput, float coupling, GovernorReason reasons, byte mask)
    {
        LeverSet levers = LeverSet.Neutral;
        levers.Coupling = coupling;
        var record = new StepRecord
        {
            Step = step,
            Timing = new StepTiming(step * 1_000_000 + 20, step * 1_000_000, step == 3, step == 3 ? 1 : 0),
            ComputeTicks = 777,
            PublishTicks = 4242,
            NewInput = newInput,
            NewArrival = newInput,
            Input = new ArousalEstimate(0.25f, SampleQuality.Good, 1.5, 99, (ulong)step),
            InputPublishCount = step + 1,
            LeverTargets = levers,
            Readout = Readouts.Legacy(step * 1.0, 5f, 6f, 7f, 0.1f, 1f, 3),
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
        Assert.Equal(new ConfigRecord("l5-spiking", "[model]\nname = \"l5\"\n"), ConfigRecord.Decode(r[0].Payload.Span));
        Assert.Equal(s_info, LoopStartRecord.Decode(r[1].Payload.Span).WithModel("l5-spiking"));
        Assert.Equal(new long[] { 0, 2 }, r.Where(x => x.Type == RecordType.ArousalEstimate).Select(x => x.Step));
        Assert.Equal(new long[] { 0, 2 }, r.Where(x => x.Type == RecordType.LeverChange).Select(x => x.Step));
        Assert.Equal(0.5f, LeverChangeRecord.Decode(r.Last(x => x.Type == RecordType.LeverChange).Payload.Span).Levers.Coupling);
        Assert.Equal(4, r.Count(x => x.Type == RecordType.OutputFrame));
        Assert.Equal(4, r.Count(x => x.Type == RecordType.ModelReadout));
        Assert.Equal(new long[] { 0, 2 }, r.Where(x => x.Type == RecordType.InputLatency).Select(x => x.Step));
        Assert.Equal(new InputLatencyRecord(2, 1.5, 99, 4242), InputLatencyRecord.Decode(r.Last(x => x.Type == RecordType.InputLatency).Payload.Span));

        RecordedTiming t3 = RecordedTiming.Decode(r.Single(x => x.Type == RecordType.StepTiming && x.Step == 3).Payload.Span);
        Assert.Equal(new RecordedTiming(3_000_020, 3_000_000, 777, 30, 1, true), t3);
        Assert.Equal(new StepTiming(3_000_020, 3_000_000, true, 1), t3.ToStepTiming());

        var interventions = r.Where(x => x.Type == RecordType.SafetyIntervention)
            .Select(x => (x.Step, SafetyIntervention.Decode(x.Payload.Span))).ToList();
        Assert.Equal(3, interventions.Count);
        Assert.Equal((2L, (byte)0, GovernorReason.RangeClamp | GovernorReason.SlewLimit, 2f),
            (interventions[0].Step, interventions[0].Item2.Channel, interventions[0].Item2.Reasons, interventions[0].Item2.After));
        Assert.Equal((byte)1, interventions[1].Item2.Channel);
        Assert.Equal((3L, SafetyIntervention.AllChannels, GovernorReason.Disarmed),
            (interventions[2].Step, interventions[2].Item2.Channel, interventions[2].Item2.Reasons));

        LogRecord stop = r[^1];
        Assert.Equal((RecordType.Marker, 3L), (stop.Type, stop.Step));
        Assert.Equal(new MarkerRecord(MarkerCode.LoopStopped, "loop stopped after 4 steps"), MarkerRecord.Decode(stop.Payload.Span));
    }

    [Fact]
    public async Task OnStep_GovernorAttached_RecordsRequestedAndAppliedValues()
    {
        using var dir = new TempDirectory();
        string path = dir.File("gov.clrec");
        var governor = new SafetyGovernor(ClosedLoop.Runtime.Tests.Loop.LoopFixture.Config());
        using (var recorder = new LoopRecorder(new RecordingWriter(path), "x = 1\n"))
        {
            recorder.AttachGovernor(governor);
            recorder.OnStart(s_info);
            governor.Interventions.Write(new Intervention { Step = 0, Reason = GovernorReason.ChargeLimit, Channel = 0, Requested = 180f, Applied = 100f });
            governor.Interventions.Write(new Intervention { Step = 0, Reason = GovernorReason.EStop, Channel = -1, Requested = float.NaN, Applied = float.NaN });
            recorder.OnStep(MakeStep(0, false, 1f, GovernorReason.ChargeLimit | GovernorReason.EStop, 0b1));
            recorder.OnStep(MakeStep(1, false, 1f, GovernorReason.None, 0));
        }
        RecordingContents log = await RecordingReader.ReadAllAsync(path);
        var iv = log.Records.Where(r => r.Type == RecordType.SafetyIntervention)
            .Select(r => (r.Step, SafetyIntervention.Decode(r.Payload.Span))).ToList();
        Assert.Equal(2, iv.Count);
        Assert.Equal((0L, new SafetyIntervention(GovernorReason.ChargeLimit, 0, 180f, 100f)), iv[0]);
        Assert.Equal((0L, SafetyIntervention.AllChannels, GovernorReason.EStop), (iv[1].Step, iv[1].Item2.Channel, iv[1].Item2.Reasons));
    }
}
