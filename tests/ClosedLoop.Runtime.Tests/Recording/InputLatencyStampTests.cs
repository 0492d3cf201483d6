using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using ClosedLoop.Population.NeuralMass;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Recording;
using ClosedLoop.Runtime.Tests.Loop;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Runtime.Tests.Recording;

/// <summary>In-loop latency stamps: the real thread writes one InputLatency record per new input, and the analysis reads them back.</summary>
public class InputLatencyStampTests
{
    [Fact]
    public async Task ThreadedLoop_StampsEveryNewInput_AnalysisReadsThemBack()
    {
        using var dir = new TempDirectory();
        string path = dir.File("stamps.cllog");
        var config = LoopFixture.Config() is var c ? c with { Loop = c.Loop with { WarmUpMs = 100 } } : null!;
        var recorder = new LoopRecorder(new RecordingWriter(path), "x = 1\n");
        var rt = new ClosedLoopRuntime(config, new NeuralMassModel(), LoopFixture.Map(), null, recorder);
        var outputs = rt.Outputs.CreateReader();
        rt.Start();
        var seen = new HashSet<ulong>();
        for (ulong seq = 1; seq <= 40; seq++)
        {
            // A sender stamping CLOCK_MONOTONIC, as a co-located one does: source time = now.
            long now = MonoClock.Now;
            rt.Input.Publish(new ArousalEstimate(0.5f, SampleQuality.Good, MonoClock.ToSeconds(now), now, seq));
            await WaitForStepUsing(outputs, seq);
        }
        Assert.True(rt.Stop(TimeSpan.FromSeconds(10)));
        recorder.Dispose();
        Assert.Null(rt.Fault);

        RecordingContents log = await RecordingReader.ReadAllAsync(path);
        var stamps = log.Records.Where(r => r.Type == RecordType.InputLatency).Select(r => (r.Step, Stamp: InputLatencyRecord.Decode(r.Payload.Span))).ToList();
        Assert.Equal(40, stamps.Count);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (ulong)i), stamps.Select(s => s.Stamp.InputSequence));
        var timing = log.Records.Where(r => r.Type == RecordType.StepTiming).ToDictionary(r => r.Step, r => RecordedTiming.Decode(r.Payload.Span));
        foreach (var (step, s) in stamps)
        {
            Assert.True(s.PublishTicks >= timing[step].NowTicks, "published before the step started");
            Assert.True(s.PublishTicks >= s.ArrivalTicks, "published before the input arrived");
        }
        Assert.Equal(40, rt.InputToOutput.Count);

        var a = await LatencyAnalysis.ScanAsync(path);
        Assert.Equal(40, a.ArrivalToPublishUs.Length);
        Assert.NotNull(a.SourceToPublishUs);
        Assert.Equal(rt.StepsRun, a.LatenessUs.Length);
        Assert.Equal(rt.Overruns, a.Overruns);
        Assert.Equal(1000, a.StepRateHz);
        Assert.False(a.Deterministic);
        Assert.All(a.SourceToPublishUs!, v => Assert.True(v >= 0));
        Assert.True(LatencyAnalysis.Quantile(a.ArrivalToPublishUs, 1.0) == a.ArrivalToPublishUs[^1]);
    }

    /// <summary>
    /// Issue 10: the ZeroMQ and gRPC probes showed arrival -> output outliers of 0.25 to 0.5 s. They were a conditioner's
    /// staleness poll (every 10 ms once the input had stopped for its limit) re-publishing the last valid sample's
    /// sequence and arrival as a Stale estimate, which the loop stamped as a new input used 0.25 s after it arrived.
    /// Here the real threaded loop reads exactly such re-publications (what <c>DirectArousalConditioner.Poll</c>
    /// returns), then a fresh sample that is Stale by quality (a low-confidence sample after the stale limit): the
    /// re-publications are inputs (recorded for replay, counted invalid) but not arrivals; the fresh one is measured.
    /// </summary>
    [Fact]
    public async Task ThreadedLoop_StalenessPollRepublishingTheLastSample_IsNotMeasuredAsANewArrival()
    {
        using var dir = new TempDirectory();
        string path = dir.File("stale.cllog");
        var config = LoopFixture.Config() is var c ? c with { Loop = c.Loop with { WarmUpMs = 100 } } : null!;
        var recorder = new LoopRecorder(new RecordingWriter(path), "x = 1\n");
        var rt = new ClosedLoopRuntime(config, new NeuralMassModel(), LoopFixture.Map(), null, recorder);
        var outputs = rt.Outputs.CreateReader();
        rt.Start();
        ArousalEstimate last = default;
        for (ulong seq = 1; seq <= 10; seq++)
        {
            long now = MonoClock.Now;
            last = new ArousalEstimate(0.5f, SampleQuality.Good, MonoClock.ToSeconds(now), now, seq);
            rt.Input.Publish(last);
            await WaitForStepUsing(outputs, seq);
        }
        // The staleness poll: the last valid sample's stamps again, quality Stale, once per poll.
        const int Republished = 5;
        for (int i = 1; i <= Republished; i++)
        {
            rt.Input.Publish(last with { Quality = SampleQuality.Stale });
            await WaitFor(() => rt.InvalidInputs >= i, $"the loop never read stale re-publication {i}");
        }
        long fresh = MonoClock.Now;
        rt.Input.Publish(new ArousalEstimate(0.5f, SampleQuality.Stale, MonoClock.ToSeconds(fresh), fresh, 11));
        await WaitFor(() => rt.InvalidInputs >= Republished + 1, "the loop never read the fresh stale sample");
        Assert.True(rt.Stop(TimeSpan.FromSeconds(10)));
        recorder.Dispose();
        Assert.Null(rt.Fault);

        RecordingContents log = await RecordingReader.ReadAllAsync(path);
        var stamps = log.Records.Where(r => r.Type == RecordType.InputLatency).Select(r => InputLatencyRecord.Decode(r.Payload.Span)).ToList();
        // One stamp per arrival: 1..10 and the fresh 11; sequence 10 not again for each re-publication.
        Assert.Equal(Enumerable.Range(1, 11).Select(i => (ulong)i), stamps.Select(s => s.InputSequence));
        Assert.Equal(fresh, stamps[^1].ArrivalTicks);
        Assert.Equal(11, rt.InputToOutput.Count);
        // Still inputs for replay: every one of the 16 publications was read by a step and recorded as an estimate.
        var estimates = log.Records.Where(r => r.Type == RecordType.ArousalEstimate).Select(r => ArousalEstimateRecord.Decode(r.Payload.Span).Estimate).ToList();
        Assert.Equal(10 + Republished + 1, estimates.Count);
        Assert.Equal(Republished + 1, estimates.Count(e => e.Quality == SampleQuality.Stale));
    }

    [Fact]
    public void Quantile_NearestRank()
    {
        double[] v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(5, LatencyAnalysis.Quantile(v, 0.5));
        Assert.Equal(10, LatencyAnalysis.Quantile(v, 0.99));
        Assert.Equal(1, LatencyAnalysis.Quantile(v, 0));
        Assert.True(double.IsNaN(LatencyAnalysis.Quantile([], 0.5)));
    }

    private static async Task WaitFor(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(failure);
            }
            await Task.Delay(1);
        }
    }

    private static async Task WaitForStepUsing(Core.Concurrency.BroadcastRingReader<Core.Outputs.OutputFrame> outputs, ulong seq)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            while (outputs.TryRead(out var f))
            {
                if (f.InputSequence >= seq)
                {
                    return;
                }
            }
            await Task.Delay(1);
        }
        throw new TimeoutException($"no step used input {seq}");
    }
}
