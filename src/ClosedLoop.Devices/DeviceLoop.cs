using ClosedLoop.Bridge.Links;

namespace ClosedLoop.Devices;

/// <summary>The device answered, but not as its protocol requires (wrong handshake, unsupported model, a rejected command).</summary>
public sealed class DeviceRefusedException(string message) : IOException(message), LinkFailures.IRefusal;

/// <summary>What the drivers share: which failures are retried, reconnect backoff, pacing.</summary>
internal static class DeviceLoop
{
    /// <summary>Exceptions that mean "the device is absent, gone, silent or refusing": retried, never fatal.</summary>
    public static bool IsLinkFailure(Exception e) =>
        e is IOException or UnauthorizedAccessException or TimeoutException or OperationCanceledException;

    /// <summary>The next reconnect delay after <paramref name="current"/>.</summary>
    public static double NextBackoff(double current, double max) => Math.Min(current * 2, max);

    /// <summary>Sleep until <paramref name="deadlineTicks"/> (monotonic), or until cancelled.</summary>
    public static void SleepUntil(long deadlineTicks, CancellationToken ct)
    {
        long left = deadlineTicks - Core.Time.MonoClock.Now;
        if (left > 0)
        {
            ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(Core.Time.MonoClock.ToSeconds(left)));
        }
    }

    /// <summary>Drop every frame waiting in <paramref name="frames"/> (produced before the device was set up: stale).</summary>
    public static void DiscardPending(Core.Concurrency.BroadcastRingReader<Core.Outputs.OutputFrame> frames)
    {
        while (frames.TryRead(out _))
        {
        }
    }

    /// <summary>
    /// Read every frame waiting in <paramref name="frames"/>, counting each in <paramref name="received"/>; the newest
    /// lands in <paramref name="latest"/> and <paramref name="have"/> turns true once any frame was taken.
    /// </summary>
    public static void TakeNewest(Core.Concurrency.BroadcastRingReader<Core.Outputs.OutputFrame> frames, ref Core.Outputs.OutputFrame latest, ref bool have, ref long received)
    {
        while (frames.TryRead(out var f))
        {
            Interlocked.Increment(ref received);
            latest = f;
            have = true;
        }
    }

    /// <summary>Run <paramref name="body"/> on a dedicated thread (drivers block on their device, never on the pool).</summary>
    public static Task RunDedicated(Action body, CancellationToken ct) =>
        Task.Factory.StartNew(body, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Connect, run, reconnect with backoff until cancelled. <paramref name="wasSetUp"/> tells after a
    /// session whether its connection got past set-up (then the backoff starts over). Every failure that is not the
    /// cancellation itself is recorded in <paramref name="failures"/> with its reason (absent, gone, silent, refused),
    /// so the console and the status can say why the device is not connected.</summary>
    public static void Reconnecting(Action session, Func<bool> wasSetUp, double minMs, double maxMs, LinkFailures failures, CancellationToken ct)
    {
        double backoff = minMs;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                session();
            }
            catch (Exception e) when (IsLinkFailure(e))
            {
                if (!ct.IsCancellationRequested)
                {
                    failures.Record(e); // absent, unplugged, silent or refusing: said, counted, retried below
                }
            }
            if (ct.IsCancellationRequested)
            {
                break;
            }
            backoff = wasSetUp() ? minMs : NextBackoff(backoff, maxMs);
            ct.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(backoff));
        }
    }
}
