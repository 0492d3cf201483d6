using System.Diagnostics;
using ClosedLoop.Bridge.Links;
using ClosedLoop.TestSupport;
using ClosedLoop.TestSupport.Devices;
using Xunit;

namespace ClosedLoop.Bridge.Tests;

/// <summary>
/// A device path that is a symbolic link can be pointed at another terminal while a driver opens it (a device unplugged
/// and another plugged in behind the same udev name; a pseudo-terminal's number freed and reused). Provoked for real:
/// a thread re-points the link between two real ptys as fast as it can while the test opens it over and over.
/// </summary>
public sealed class PosixTtyRepointTests : IDisposable
{
    // Generous: on a quiet machine the first refusal comes within milliseconds; at load 30+ the flipper and the opener
    // must both get the CPU inside one open's window. Waited on the monotonic clock, never slept.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Re-points <paramref name="link"/> between the two terminals (made beside it and renamed over it, so the
    /// path always names one of them) until <paramref name="stop"/> is set.</summary>
    private static Thread Flipper(string link, string a, string b, Func<bool> stop)
    {
        var t = new Thread(() =>
        {
            string fresh = link + ".flip";
            for (long i = 0; !stop(); i++)
            {
                File.Delete(fresh);
                File.CreateSymbolicLink(fresh, (i & 1) == 0 ? a : b);
                File.Move(fresh, link, overwrite: true);
            }
        })
        { IsBackground = true, Name = "link flipper" };
        t.Start();
        return t;
    }

    [Fact]
    public void Open_LinkRepointedDuringTheOpen_RefusedAndEveryAcceptedOpenIsTheTerminalItNames()
    {
        using var a = new Pty(_dir.File("a"));
        using var b = new Pty(_dir.File("b"));
        string link = _dir.File("device");
        File.CreateSymbolicLink(link, a.SlavePath);
        bool stop = false;
        var flipper = Flipper(link, a.SlavePath, b.SlavePath, () => Volatile.Read(ref stop));
        int refused = 0, accepted = 0, checkedWrites = 0;
        string? refusal = null;
        var clock = Stopwatch.StartNew();
        try
        {
            while (refused == 0 || accepted == 0)
            {
                Assert.True(clock.Elapsed < Bound, $"in {Bound.TotalSeconds} s of opens while the link was re-pointed: {refused} refused, {accepted} accepted");
                try
                {
                    using var tty = PosixTty.Open(link);
                    accepted++;
                    Assert.True(tty.Target == a.SlavePath || tty.Target == b.SlavePath, tty.Target);
                    if (checkedWrites < 5)
                    {
                        // What was opened is the terminal the driver is told it is: a byte written arrives there.
                        var at = tty.Target == a.SlavePath ? a : b;
                        var other = at == a ? b : a;
                        tty.Write([(byte)'x'], 1000);
                        var buffer = new byte[16];
                        Assert.Equal(1, at.Read(buffer, 5000));
                        Assert.Equal((byte)'x', buffer[0]);
                        Assert.Equal(0, other.Read(buffer, 0));
                        checkedWrites++;
                    }
                }
                catch (LinkOpenException e) when (e.Message.Contains("not the device meant", StringComparison.Ordinal))
                {
                    refused++;
                    refusal = e.Message;
                }
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            flipper.Join(TimeSpan.FromSeconds(10));
        }
        Assert.Contains(link, refusal, StringComparison.Ordinal);
        Assert.True(refusal!.Contains(a.SlavePath, StringComparison.Ordinal) && refusal.Contains(b.SlavePath, StringComparison.Ordinal), refusal);
    }
}
