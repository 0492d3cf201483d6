using Xunit;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Recording;
using ClosedLoop.Runtime.Safety;
using ClosedLoop.Core.Safety;
using ClosedLoop.TestSupport;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Runtime.Tests.Recording;

/// <summary>The producer side of the recorder allocates nothing (run without parallel neighbours, see the collection).</summary>
[Collection(AllocationTestsCollection.Name)]
public class RecordingAllocationTests
{
    [Fact]
    public void OnStep_EveryKindOfRecord_AllocatesNothing()
    {
        using var dir = new TempDirectory();
        using var recorder = new LoopRecorder(new RecordingWriter(dir.File("alloc.clrec")), "x = 1\n");
        recorder.OnStart(LoopRecorderTests.s_info);
        StepRecord a = LoopRecorderTests.MakeStep(1, true, 1f, GovernorReason.RangeClamp, 0b101);
        StepRecord b = LoopRecorderTests.MakeStep(2, true, 0.5f, GovernorReason.EStop, 0); // levers change every call, all-channel intervention
        var (bytes, _) = SteadyStateAllocation.Measure(() =>
        {
            recorder.OnStep(a);
            recorder.OnStep(b);
        }, 20_000);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void OnStep_WithGovernorAttached_AllocatesNothing()
    {
        using var dir = new TempDirectory();
        using var recorder = new LoopRecorder(new RecordingWriter(dir.File("alloc3.clrec")), "x = 1\n");
        var governor = new SafetyGovernor(ClosedLoop.Runtime.Tests.Loop.LoopFixture.Config());
        recorder.AttachGovernor(governor);
        recorder.OnStart(LoopRecorderTests.s_info);
        StepRecord a = LoopRecorderTests.MakeStep(1, true, 1f, GovernorReason.RangeClamp, 0b1);
        var (bytes, _) = SteadyStateAllocation.Measure(() =>
        {
            governor.Interventions.Write(new Intervention { Step = 1, Reason = GovernorReason.RangeClamp, Channel = 0, Requested = 150f, Applied = 100f });
            governor.Interventions.Write(new Intervention { Step = 1, Reason = GovernorReason.StaleInput, Channel = -1, Requested = float.NaN, Applied = float.NaN });
            recorder.OnStep(a);
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
        var readout = Readouts.Legacy(1, 2, 3, 4, 5, 6, 7);
        var (bytes, _) = SteadyStateAllocation.Measure(() =>
        {
            writer.Record(5, new InputSampleRecord(sample));
            writer.Record(5, new ArousalEstimateRecord(estimate, 9));
            writer.Record(5, new LeverChangeRecord(levers));
            writer.Record(frame.Step, new OutputFrameRecord(frame));
            writer.Record(5, timing);
            writer.Record(5, intervention);
            writer.Record(5, new ReadoutRecord(readout));
            writer.Record(5, new MarkerRecord(42));
        }, 10_000);
        Assert.Equal(0, bytes);
        Assert.True(writer.Dropped > 70_000, $"dropped {writer.Dropped}: the drop path was not exercised");
    }
}
