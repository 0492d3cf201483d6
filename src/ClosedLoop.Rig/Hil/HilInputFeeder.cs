using System.Diagnostics;
using ClosedLoop.Contracts.V1;
using ClosedLoop.Core.Time;
using Google.Protobuf;
using NetMQ;
using NetMQ.Sockets;

namespace ClosedLoop.Rig.Hil;

/// <summary>What the harness's arousal source is doing.</summary>
public enum HilInputMode
{
    /// <summary>The trace, one sample per period.</summary>
    Normal,

    /// <summary>Nothing (a source that stopped).</summary>
    Silent,

    /// <summary>NaN, +inf and -inf in turn, one per period.</summary>
    NonFinite,

    /// <summary>Bursts of valid samples as fast as the socket takes them.</summary>
    Flood,
}

/// <summary>
/// The arousal trace into the controller: an external process would publish protobuf <see cref="ArousalSample"/>s to
/// the rig's ZeroMQ ingest, and so does this, on its own thread: 0.5 + 0.3 sin(2 pi t / 2 s), kind EXTERNAL, source
/// time on the monotonic clock (so send-to-output latency is measurable). Faults switch its <see cref="Mode"/>.
/// </summary>
public sealed class HilInputFeeder : IDisposable
{
    private readonly string _endpoint;
    private readonly double _rateHz;
    private readonly Thread _thread;
    private readonly ulong _session = (ulong)Random.Shared.NextInt64(1, long.MaxValue);
    private volatile bool _stop;
    private volatile HilInputMode _mode;
    private long _sent, _flooded, _nonFinite;

    /// <summary>Connect to <paramref name="endpoint"/> and start sending at <paramref name="rateHz"/>.</summary>
    public HilInputFeeder(string endpoint, double rateHz)
    {
        _endpoint = endpoint;
        _rateHz = rateHz;
        _thread = new Thread(Run) { IsBackground = true, Name = "hil-input" };
        _thread.Start();
    }

    /// <summary>What the source does now.</summary>
    public HilInputMode Mode { get => _mode; set => _mode = value; }

    /// <summary>Samples sent (all modes).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Samples sent in flood mode.</summary>
    public long Flooded => Interlocked.Read(ref _flooded);

    /// <summary>Non-finite samples sent.</summary>
    public long NonFiniteSent => Interlocked.Read(ref _nonFinite);

    private void Run()
    {
        using var pub = new PublisherSocket();
        pub.Options.SendHighWatermark = 100_000;
        pub.Connect(_endpoint);
        ulong seq = 0;
        long period = MonoClock.FromSeconds(1 / _rateHz);
        long next = MonoClock.Now;
        var sample = new ArousalSample { Confidence = 1, Kind = SourceKind.External, SessionId = _session };
        while (!_stop)
        {
            var mode = _mode;
            long now = MonoClock.Now;
            if (mode == HilInputMode.Flood)
            {
                for (int i = 0; i < 200; i++)
                {
                    Send(pub, sample, ++seq, Trace(MonoClock.Now));
                    Interlocked.Increment(ref _flooded);
                }
                next = MonoClock.Now + period;
                Thread.Yield();
                continue;
            }
            if (now < next)
            {
                Thread.Sleep(TimeSpan.FromTicks(Math.Max(1, (next - now) * TimeSpan.TicksPerSecond / MonoClock.Frequency)));
                continue;
            }
            next += period;
            if (now - next > 10 * period)
            {
                next = now + period; // late (a loaded machine): resume the rate, do not burst
            }
            if (mode == HilInputMode.Normal)
            {
                Send(pub, sample, ++seq, Trace(now));
            }
            else if (mode == HilInputMode.NonFinite)
            {
                long k = Interlocked.Increment(ref _nonFinite);
                Send(pub, sample, ++seq, (k % 3) switch { 0 => double.NaN, 1 => double.PositiveInfinity, _ => double.NegativeInfinity });
            }
        }
    }

    private static double Trace(long ticks) => 0.5 + 0.3 * Math.Sin(2 * Math.PI * MonoClock.ToSeconds(ticks) / 2.0);

    private void Send(PublisherSocket pub, ArousalSample sample, ulong seq, double value)
    {
        sample.Value = value;
        sample.Sequence = seq;
        sample.SourceTimeS = MonoClock.ToSeconds(MonoClock.Now);
        pub.SendFrame(sample.ToByteArray());
        Interlocked.Increment(ref _sent);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop = true;
        if (!_thread.Join(TimeSpan.FromSeconds(10)))
        {
            Debug.Fail("the HIL input thread did not stop");
        }
    }
}
