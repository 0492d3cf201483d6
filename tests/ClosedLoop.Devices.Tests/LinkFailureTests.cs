using ClosedLoop.Bridge.Links;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Devices.PulsePal;
using ClosedLoop.Devices.Serial;
using ClosedLoop.TestSupport;
using ClosedLoop.TestSupport.Devices;
using Xunit;

namespace ClosedLoop.Devices.Tests;

/// <summary>Reconnecting drivers keep the reason of every failed connection (they used to retry without a word).</summary>
public sealed class LinkFailureTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Reconnecting_PortAbsent_CountedAsCannotOpenWithTheReason()
    {
        string port = _dir.File("no-such-tty");
        await using var feed = new FrameFeed();
        var sink = new SerialLineSink(new SerialLineOptions { Port = port, ReconnectMinMs = 10, ReconnectMaxMs = 20 });
        using var cts = new CancellationTokenSource();
        var run = sink.RunAsync(feed.Reader(), cts.Token);
        await FrameFeed.Eventually(() => sink.LinkFailures.Count(LinkFailureKind.CannotOpen) >= 3, "three failed opens");
        Assert.Contains("no-such-tty", sink.LinkFailures.LastDetail(LinkFailureKind.CannotOpen), StringComparison.Ordinal);
        Assert.Contains("ENOENT", sink.LinkFailures.LastDetail(LinkFailureKind.CannotOpen), StringComparison.Ordinal);
        // Every failure is CannotOpen (read the other kinds: the sink keeps failing while the test reads, so comparing the
        // CannotOpen count with the total would race).
        Assert.Equal(0, sink.LinkFailures.Count(LinkFailureKind.Gone));
        Assert.Equal(0, sink.LinkFailures.Count(LinkFailureKind.Silent));
        Assert.Equal(0, sink.LinkFailures.Count(LinkFailureKind.Refused));
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        long total = sink.LinkFailures.Total;
        await Task.Delay(100);
        Assert.Equal(total, sink.LinkFailures.Total); // the cancellation itself is not a failure
    }

    [Fact]
    public async Task Reconnecting_DeviceRefusesThenGoesSilentThenUnplugged_EachReasonCounted()
    {
        string link = _dir.File("pp");
        using var fake = new FakePulsePal(link, firmware: 19); // a Pulse Pal 1: refused
        await using var feed = new FrameFeed();
        var sink = new PulsePalSink(new PulsePalOptions
        {
            Port = link, AmplitudeChannel = 0, PulseWidthChannel = 1, PulseRateChannel = 2, UaPerVolt = 100,
            ReconnectMinMs = 10, ReconnectMaxMs = 40, ReplyTimeoutMs = 100,
        });
        using var cts = new CancellationTokenSource();
        var run = sink.RunAsync(feed.Reader(), cts.Token);
        await FrameFeed.Eventually(() => sink.LinkFailures.Count(LinkFailureKind.Refused) >= 2, "refusals");
        Assert.Contains("Pulse Pal 1", sink.LinkFailures.LastDetail(LinkFailureKind.Refused), StringComparison.Ordinal);

        fake.Firmware = 21;
        fake.NeverAcknowledge = true; // answers the handshake, then nothing
        await FrameFeed.Eventually(() => sink.LinkFailures.Count(LinkFailureKind.Silent) >= 1, "a silent device");
        Assert.Contains("no ", sink.LinkFailures.LastDetail(LinkFailureKind.Silent), StringComparison.Ordinal);

        fake.NeverAcknowledge = false;
        await FrameFeed.Eventually(() => sink.Ready, "connected");
        fake.Unplug();
        await FrameFeed.Eventually(() => sink.LinkFailures.Count(LinkFailureKind.Gone) >= 1, "the unplug");
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }
    [Fact]
    public async Task Reconnecting_DeviceUnpluggedAndItsTerminalNumberReused_NothingReachesTheOtherPty()
    {
        // The Devices flakiness: an unplugged fake left its link at a freed /dev/pts number, the kernel gave that number
        // to another test's pty, and the reconnecting sink streamed into it. Here the "other test" takes the number.
        string link = _dir.File("ttl");
        using var rx = new SerialLineReceiver(link);
        await using var feed = new FrameFeed();
        feed.Set(SafetyState.Armed, 0.5f);
        var sink = new SerialLineSink(new SerialLineOptions { Port = link, RateHz = 200, ReconnectMinMs = 5, ReconnectMaxMs = 10 });
        using var cts = new CancellationTokenSource();
        var run = sink.RunAsync(feed.Reader(), cts.Token);
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                await FrameFeed.Eventually(() => rx.Lines.Count > 0 && sink.Connections > attempt, "lines at the device");
                string number = rx.SlavePath!;
                long gone = sink.LinkFailures.Count(LinkFailureKind.Gone);
                rx.Unplug();
                // The number is free once the sink closed its end too (it noticed the unplug).
                await FrameFeed.Eventually(() => sink.LinkFailures.Count(LinkFailureKind.Gone) > gone, "the unplug noticed");
                using var other = Pty.TakeNumberOf(number, _dir.File("other"));
                if (other is null)
                {
                    Assert.True(attempt < 20, "another program took the freed number every time");
                    rx.Replug();
                    continue;
                }
                long failed = sink.LinkFailures.Count(LinkFailureKind.CannotOpen), connections = sink.Connections;
                await FrameFeed.Eventually(() => sink.LinkFailures.Count(LinkFailureKind.CannotOpen) >= failed + 5 || sink.Connections > connections, "reconnect attempts");
                Assert.True(sink.Connections == connections, "the sink connected to the other pty on the reused number " + number);
                var buffer = new byte[4096];
                Assert.Equal(0, other.Read(buffer, 50)); // not one byte of the sink's lines
                Assert.Contains("ENOENT", sink.LinkFailures.LastDetail(LinkFailureKind.CannotOpen), StringComparison.Ordinal);
                return;
            }
        }
        finally
        {
            await cts.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
