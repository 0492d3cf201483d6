using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Runtime.Platform;

namespace ClosedLoop.Runtime.Sinks;

/// <summary>
/// The default sink: an in-process stand-in for a stimulator. It consumes frames on its own thread, enforces its
/// own per-channel limits (clamping and counting violations), and acknowledges each frame it handles (its heartbeat,
/// <see cref="IDeviceHeartbeat"/>). <see cref="Unplug"/> makes it stop acknowledging, as a lost device would.
/// </summary>
public sealed class SimulatedDevice : ISink, IDeviceHeartbeat
{
    private readonly SimulatedDeviceOptions _options;
    private readonly LatestValueMailbox<OutputFrame> _last = new();
    private long _received, _ignored, _violations, _lastAck = long.MinValue, _lastReceived = long.MinValue;
    private volatile bool _unplugged;
    private CancellationTokenSource? _cts;
    private Task? _run;
    private volatile Waiter? _waiter;

    /// <summary>Create a device with <paramref name="options"/> (defaults when null).</summary>
    public SimulatedDevice(SimulatedDeviceOptions? options = null) => _options = options ?? new SimulatedDeviceOptions();

    /// <inheritdoc/>
    public string Name => _options.Name;

    /// <inheritdoc/>
    public long FramesReceived => Volatile.Read(ref _received);

    /// <summary>Frames that arrived while unplugged (not acknowledged).</summary>
    public long FramesIgnored => Volatile.Read(ref _ignored);

    /// <summary>Channel values outside the device's own limits (clamped by the device).</summary>
    public long LimitViolations => Volatile.Read(ref _violations);

    /// <inheritdoc/>
    public long LastAcknowledgedTicks => Volatile.Read(ref _lastAck);

    /// <summary>Monotonic ticks when the device last handled a frame (plugged or not), <see cref="long.MinValue"/> before any.</summary>
    public long LastReceivedTicks => Volatile.Read(ref _lastReceived);

    /// <summary>True while the device acknowledges frames.</summary>
    public bool IsPlugged => !_unplugged;

    /// <summary>The last frame the device applied (after its own clamps); false before any.</summary>
    public bool TryGetLastFrame(out OutputFrame frame) => _last.TryRead(out frame, out _);

    /// <summary>Stop acknowledging (frames are dropped and counted in <see cref="FramesIgnored"/>).</summary>
    public void Unplug() => _unplugged = true;

    /// <summary>Resume acknowledging.</summary>
    public void Replug() => _unplugged = false;

    /// <summary>Start consuming <paramref name="frames"/> on a dedicated thread (stops on <see cref="DisposeAsync"/>).</summary>
    public void Start(BroadcastRingReader<OutputFrame> frames)
    {
        _cts = new CancellationTokenSource();
        _run = RunAsync(frames, _cts.Token);
    }

    /// <inheritdoc/>
    public Task RunAsync(BroadcastRingReader<OutputFrame> frames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frames);
        long pollNs = (long)(_options.PollIntervalUs * 1000);
        return Task.Factory.StartNew(() =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (ProcessAvailable(frames) == 0)
                {
                    PreciseSleep.Sleep(pollNs);
                }
            }
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Handle every frame waiting in <paramref name="frames"/> on the calling thread (deterministic tests); returns how many.</summary>
    public int ProcessAvailable(BroadcastRingReader<OutputFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        int n = 0;
        while (frames.TryRead(out var frame))
        {
            Handle(ref frame);
            n++;
        }
        return n;
    }

    /// <summary>
    /// Warm start: a twin of this device (same options, same code) handles <paramref name="scratch"/> through a scratch
    /// ring, so the frame path is compiled before the loop's clock starts; this device's counters, last frame and
    /// acknowledgement stay untouched.
    /// </summary>
    public void WarmUp(ReadOnlySpan<OutputFrame> scratch)
    {
        var twin = new SimulatedDevice(_options);
        var ring = new BroadcastRing<OutputFrame>(64);
        var reader = ring.CreateReader();
        foreach (var frame in scratch)
        {
            ring.Write(frame);
            twin.ProcessAvailable(reader);
        }
    }

    /// <summary>Complete when a handled frame satisfies <paramref name="predicate"/>, or fail after <paramref name="timeout"/>.</summary>
    public async Task<OutputFrame> WaitForFrameAsync(Func<OutputFrame, bool> predicate, TimeSpan timeout)
    {
        var w = new Waiter(predicate);
        _waiter = w;
        try
        {
            return await w.Completion.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        finally
        {
            _waiter = null;
        }
    }

    private void Handle(ref OutputFrame frame)
    {
        long now = MonoClock.Now;
        Volatile.Write(ref _lastReceived, now);
        if (_unplugged)
        {
            Interlocked.Increment(ref _ignored);
            return;
        }
        for (int i = 0; i < frame.ChannelCount; i++)
        {
            float v = frame.Values[i];
            float lo = i < _options.ChannelMin.Count ? (float)_options.ChannelMin[i] : float.NegativeInfinity;
            float hi = i < _options.ChannelMax.Count ? (float)_options.ChannelMax[i] : float.PositiveInfinity;
            if (!(v >= lo && v <= hi))
            {
                Interlocked.Increment(ref _violations);
                frame.Values[i] = float.IsNaN(v) ? Math.Max(lo, Math.Min(0f, hi)) : Math.Clamp(v, lo, hi);
            }
        }
        _last.Publish(frame);
        Interlocked.Increment(ref _received);
        Volatile.Write(ref _lastAck, _options.AcknowledgeWithFrameTime ? frame.Ticks : now);
        var w = _waiter;
        if (w is not null && w.Predicate(frame))
        {
            w.Completion.TrySetResult(frame);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_cts is null) return;
        await _cts.CancelAsync().ConfigureAwait(false);
        try
        {
            if (_run is not null) await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Expected: the device thread ends with the token.
        }
        _cts.Dispose();
        _cts = null;
    }

    private sealed class Waiter(Func<OutputFrame, bool> predicate)
    {
        public Func<OutputFrame, bool> Predicate { get; } = predicate;
        public TaskCompletionSource<OutputFrame> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
