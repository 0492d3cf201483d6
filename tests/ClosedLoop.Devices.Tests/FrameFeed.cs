using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;
using Xunit;

namespace ClosedLoop.Devices.Tests;

/// <summary>Governed output frames fed to a sink under test at about 1 kHz, like the loop's output ring.</summary>
internal sealed class FrameFeed : IAsyncDisposable
{
    private readonly BroadcastRing<OutputFrame> _ring = new(4096);
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _writer;
    private readonly object _gate = new();
    private float[] _values = [];
    private SafetyState _safety = SafetyState.Disarmed;

    public FrameFeed()
    {
        _writer = Task.Run(async () =>
        {
            long step = 0;
            while (!_cts.IsCancellationRequested)
            {
                var f = new OutputFrame { Step = step++, Ticks = Core.Time.MonoClock.Now };
                lock (_gate)
                {
                    f.Safety = _safety;
                    f.ChannelCount = _values.Length;
                    for (int i = 0; i < _values.Length; i++)
                    {
                        f.Values[i] = _values[i];
                    }
                }
                _ring.Write(f);
                await Task.Delay(1).ConfigureAwait(false);
            }
        });
    }

    public BroadcastRingReader<OutputFrame> Reader() => _ring.CreateReader(fromNow: true);

    public void Set(SafetyState safety, params float[] values)
    {
        lock (_gate)
        {
            _safety = safety;
            _values = values;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        await _writer;
        _cts.Dispose();
    }

    public static async Task Eventually(Func<bool> condition, string what, double seconds = 20)
    {
        // Monotonic: the VM's wall clock can be stepped while a test waits.
        long deadline = Environment.TickCount64 + (long)(seconds * 1000);
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail("timed out waiting for " + what);
            }
            await Task.Delay(5);
        }
    }
}
