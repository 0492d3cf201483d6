using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Rig.Bench;

/// <summary>
/// A stand-in ingest thread for benchmarks and demo runs: publishes arousal 0.5 + 0.4 sin(2 pi f t) into a
/// loop's input mailbox at a fixed rate, stamped with the monotonic clock.
/// </summary>
public sealed class SineArousalFeeder : IDisposable
{
    private readonly LatestValueMailbox<ArousalEstimate> _mailbox;
    private readonly double _rateHz, _frequencyHz;
    private readonly CancellationTokenSource _cts = new();
    private Thread? _thread;

    /// <summary>Feed <paramref name="mailbox"/> at <paramref name="rateHz"/> (default 100 Hz) with a sine of <paramref name="frequencyHz"/> (default 0.5 Hz).</summary>
    public SineArousalFeeder(LatestValueMailbox<ArousalEstimate> mailbox, double rateHz = 100, double frequencyHz = 0.5)
    {
        _mailbox = mailbox;
        _rateHz = rateHz;
        _frequencyHz = frequencyHz;
    }

    /// <summary>Samples published so far.</summary>
    public long Published { get; private set; }

    /// <summary>Start the feeder thread.</summary>
    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "sine-arousal" };
        _thread.Start();
    }

    private void Run()
    {
        long t0 = MonoClock.Now;
        int waitMs = Math.Max(1, (int)Math.Round(1000 / _rateHz));
        ulong seq = 0;
        while (!_cts.IsCancellationRequested)
        {
            long now = MonoClock.Now;
            double t = MonoClock.ToSeconds(now - t0);
            float arousal = (float)(0.5 + (0.4 * Math.Sin(2 * Math.PI * _frequencyHz * t)));
            _mailbox.Publish(new ArousalEstimate(arousal, SampleQuality.Good, t, now, ++seq));
            Published = (long)seq;
            _cts.Token.WaitHandle.WaitOne(waitMs);
        }
    }

    /// <summary>Stop and join the feeder thread.</summary>
    public void Dispose()
    {
        _cts.Cancel();
        _thread?.Join();
        _cts.Dispose();
    }
}
