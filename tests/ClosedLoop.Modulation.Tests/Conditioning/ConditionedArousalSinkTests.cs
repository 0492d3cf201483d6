using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using ClosedLoop.Modulation.Conditioning;
using ClosedLoop.Modulation.Photometry;
using ClosedLoop.Modulation.Receptors;
using ClosedLoop.Modulation.Tests.Photometry;
using Xunit;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Modulation.Tests.Conditioning;

public sealed class ConditionedArousalSinkTests
{
    [Fact]
    public void OnSample_PupilSamples_PublishesNewestEstimateAndTableGivesLevers()
    {
        var sink = new ConditionedArousalSink(new PupilConditioner());
        var table = new LeverTable(new LeverMap());
        foreach (var s in PupilTrace.Generate(5, 120, (_, t) => 4.0, (_, _) => 0.9f))
        {
            sink.OnSample(in s);
        }
        Assert.Equal(1200, sink.SamplesReceived);
        Assert.Equal(1200, sink.Mailbox.PublishCount);
        Assert.True(sink.Mailbox.TryRead(out var estimate, out _));
        Assert.Equal(SampleQuality.Good, estimate.Quality);
        Assert.Equal(0.5f, estimate.Arousal, 6); // constant diameter = baseline
        Assert.Equal(1199ul, estimate.Sequence);
        var levers = table.Lookup(estimate.Arousal, out var status);
        Assert.Equal(LeverLookupStatus.InRange, status);
        Assert.Equal(new LeverMap().Evaluate(0.5).Coupling, levers.Coupling, 1e-5);
    }

    [Fact]
    public void OnError_CountsByKindAndKeepsLastDetail()
    {
        var sink = new ConditionedArousalSink(new PhotometryConditioner());
        sink.OnError(IngestError.Malformed, "a");
        sink.OnError(IngestError.Malformed, "b");
        sink.OnError(IngestError.SequenceGap, "c");
        Assert.Equal(2, sink.ErrorCount(IngestError.Malformed));
        Assert.Equal(1, sink.ErrorCount(IngestError.SequenceGap));
        Assert.Equal(0, sink.ErrorCount(IngestError.Stalled));
        Assert.Equal("c", sink.LastErrorDetail);
    }

    [Fact]
    public void Poll_AfterInputStops_PublishesStale()
    {
        var sink = new ConditionedArousalSink(new PupilConditioner());
        var s = new ArousalSample(4.0, 0.9f, 0, ArousalSourceKind.Pupil, 0, 1000, 0);
        sink.OnSample(in s);
        Assert.False(sink.Poll(1000 + MonoClock.FromSeconds(0.5)));
        Assert.True(sink.Poll(1000 + MonoClock.FromSeconds(1.5)));
        Assert.True(sink.Mailbox.TryRead(out var e, out long count));
        Assert.Equal(SampleQuality.Stale, e.Quality);
        Assert.Equal(2, count);
    }

    [Fact]
    public void OnSample_PerSample_AllocatesNothing()
    {
        var samples = PupilTrace.Generate(2, 120, (_, t) => 4.0 + 0.1 * t, (_, _) => 0.9f);
        var sink = new ConditionedArousalSink(new PupilConditioner());
        int i = 0;
        long bytes = SteadyStateAllocation.AfterWarmup(() => sink.OnSample(in samples[i++ % samples.Length]), warmup: 5000, repetitions: 5000);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public async Task RunAsync_PyPhotometryThroughPtyIntoConditioner_PublishesDeltaFOverFArousal()
    {
        // End to end on a real pty: constant signal 1.0 V and isosbestic 0.5 V for 30 s (3900 sets at 130 Hz, so the
        // fit and its residual scale have settled), then the signal steps to 1.1 V for 1 s. The robust fit keeps
        // F0 at 1.0 V, so dF/F is +10 %: arousal = logistic(0.1 / 0.03) = 0.966 (the 10 Hz low-pass settles in 80 ms).
        await using var pty = await SocatPty.StartAsync(TimeSpan.FromSeconds(10));
        var decoder = new PyPhotometryDecoderOptions { WordsPerChunk = 20, AnalogChannels = 2, SampleRateHz = 130, VoltsPerCount = 1e-4 };
        await using var source = new PyPhotometrySource(new PyPhotometrySourceOptions { DevicePath = pty.EndB, Decoder = decoder });
        var sink = new ConditionedArousalSink(new PhotometryConditioner(new PhotometryConditionerOptions { WarmupSeconds = 0.5 }));
        var counted = new CountingForwarder(sink, 2 * 4030); // 4030 sets x 2 channels
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(counted, cts.Token);
        await source.Opened.WaitAsync(TimeSpan.FromSeconds(10));

        PyPhotometrySource.ConfigureRaw(pty.EndA, 115200);
        await using var board = new FileStream(pty.EndA, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        const int chunks = 403; // 403 x 10 sets = 4030 sets = 31 s
        var bytes = new List<byte>();
        for (ushort c = 0; c < chunks; c++)
        {
            var words = new ushort[20];
            for (int s = 0; s < 10; s++)
            {
                int set = c * 10 + s;
                words[2 * s] = FrameWriter.Word(set < 3900 ? 10_000 : 11_000);
                words[2 * s + 1] = FrameWriter.Word(5_000);
            }
            bytes.AddRange(FrameWriter.Frame(c, words));
        }
        await board.WriteAsync(bytes.ToArray());

        await counted.Reached.WaitAsync(TimeSpan.FromSeconds(10));
        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(sink.Mailbox.TryRead(out var last, out long published));
        Assert.Equal(4030, published); // one estimate per signal (channel 0) sample
        Assert.Equal(8058ul, last.Sequence); // set 4029's signal sample (channel 1 of that set is 8059)
        Assert.Equal(4029 / 130.0, last.SourceTimeSeconds, 9);
        Assert.Equal(SampleQuality.Good, last.Quality);
        Assert.Equal(1.0 / (1.0 + Math.Exp(-0.1 / 0.03)), last.Arousal, 0.01);
        Assert.Equal(0, sink.ErrorCount(IngestError.Malformed));
        Assert.Equal(0, sink.ErrorCount(IngestError.SequenceGap));
    }

    private sealed class CountingForwarder(IArousalSink inner, int target) : IArousalSink
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        public Task Reached => _reached.Task;

        public void OnSample(in ArousalSample sample)
        {
            inner.OnSample(in sample);
            if (Interlocked.Increment(ref _count) >= target) { _reached.TrySetResult(); }
        }

        public void OnError(IngestError error, string detail) => inner.OnError(error, detail);
    }
}
