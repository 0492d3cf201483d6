using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using ClosedLoop.Bridge.Links;
using ClosedLoop.TestSupport;
using ClosedLoop.TestSupport.Devices;
using Xunit;

namespace ClosedLoop.Bridge.Tests;

/// <summary>One device, several users: links on a real pseudo-terminal share one open port, reference-counted.</summary>
public sealed class SharedPortTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string LinkPath => _dir.File("shared-tty");

    private static int OpenDescriptors(string slave) => Pty.DescriptorsOn(slave);

    private static async Task<string> ReadText(PipeReader input, int bytes)
    {
        using var cts = new CancellationTokenSource(Bound);
        while (true)
        {
            var r = await input.ReadAsync(cts.Token);
            if (r.Buffer.Length >= bytes)
            {
                string text = Encoding.ASCII.GetString(r.Buffer.Slice(0, bytes).ToArray());
                input.AdvanceTo(r.Buffer.GetPosition(bytes));
                return text;
            }
            input.AdvanceTo(r.Buffer.Start, r.Buffer.End);
        }
    }

    private static string ReadAtDevice(Pty pty, int bytes)
    {
        var sb = new StringBuilder();
        var buf = new byte[256];
        var deadline = DateTime.UtcNow + Bound;
        while (sb.Length < bytes && DateTime.UtcNow < deadline)
        {
            int n = pty.Read(buf, 50);
            sb.Append(Encoding.ASCII.GetString(buf, 0, n));
        }
        return sb.ToString();
    }

    [Fact]
    public async Task Open_SourceAndSinkOnOneDevice_OpenedOnceBothWorkLastReleaseCloses()
    {
        using var pty = new Pty(LinkPath);
        var source = TtyLink.Open(LinkPath);
        var sink = TtyLink.Open(LinkPath, input: false);
        Assert.Same(source.Port, sink.Port);
        Assert.Equal(2, source.Port.Users);
        Assert.Equal(1, OpenDescriptors(pty.SlavePath)); // opened once (other tests open ports meanwhile: no global count)

        pty.Write("$CLA,1,0.5,0.25*00\n"u8);
        Assert.Equal("$CLA,1,0.5,0.25*00\n", await ReadText(source.Input, 19));
        Assert.Throws<InvalidOperationException>(() => sink.Input); // an output-only user holds no input

        sink.Write("sink-line\n"u8);
        source.Write("source-cmd\n"u8);
        string atDevice = ReadAtDevice(pty, 21);
        Assert.Contains("sink-line\n", atDevice, StringComparison.Ordinal); // whole writes, never interleaved
        Assert.Contains("source-cmd\n", atDevice, StringComparison.Ordinal);

        source.Dispose(); // the sink still has it: still open, still writing
        Assert.Equal(1, sink.Port.Users);
        Assert.Equal(1, OpenDescriptors(pty.SlavePath));
        sink.Write("after\n"u8);
        Assert.Equal("after\n", ReadAtDevice(pty, 6));

        sink.Dispose(); // the last user: closed
        Assert.Equal(0, OpenDescriptors(pty.SlavePath));
        Assert.Null(SharedPort.Find(LinkPath));
    }

    [Fact]
    public async Task Open_DeviceGone_EveryUsersInputFailsAndTheNextOpenIsFresh()
    {
        var pty = new Pty(LinkPath);
        var a = TtyLink.Open(LinkPath);
        var b = TtyLink.Open(LinkPath);
        var first = a.Port;
        pty.Dispose(); // unplugged
        await Assert.ThrowsAsync<IOException>(async () => await ReadText(a.Input, 1));
        await Assert.ThrowsAsync<IOException>(async () => await ReadText(b.Input, 1));
        Assert.True(first.Faulted);
        Assert.Throws<IOException>(() => a.Write("x"u8));

        using var again = new Pty(LinkPath); // replugged behind the same path
        using var c = TtyLink.Open(LinkPath);
        Assert.NotSame(first, c.Port);
        a.Dispose();
        b.Dispose();
        again.Write("ok"u8);
        Assert.Equal("ok", await ReadText(c.Input, 2));
    }

    [Fact]
    public void Open_SecondUserAsksAnotherSpeed_Refused()
    {
        using var pty = new Pty(LinkPath);
        using var a = TtyLink.Open(LinkPath, baud: 115200);
        Assert.Throws<LinkOpenException>(() => TtyLink.Open(LinkPath, baud: 57600));
        using var b = TtyLink.Open(LinkPath); // 0: whatever it is
        Assert.Equal(2, a.Port.Users);
    }

    [Fact]
    public void Open_NoSuchDevice_LinkOpenExceptionNamingIt()
    {
        var e = Assert.Throws<LinkOpenException>(() => TtyLink.Open(_dir.File("absent")));
        Assert.Contains("absent", e.Message, StringComparison.Ordinal);
        Assert.Equal(LinkFailureKind.CannotOpen, LinkFailures.Classify(e));
    }
    [Fact]
    public async Task Write_CutPartWay_EveryUserFailsAndTheNextOpenIsFresh()
    {
        using var pty = new Pty(LinkPath); // a device that reads nothing: its terminal fills
        var writer = TtyLink.Open(LinkPath, input: false);
        var reader = TtyLink.Open(LinkPath);
        var first = writer.Port;
        var big = new byte[1 << 20]; // far more than a terminal buffers: part goes out, the rest cannot
        var e = Assert.Throws<LinkCutException>(() => writer.Write(big, timeoutMs: 200));
        Assert.IsType<TimeoutException>(e.InnerException);
        Assert.Equal(LinkFailureKind.Silent, LinkFailures.Classify(e));
        Assert.True(first.Faulted); // the device holds a cut message: the port is done for every user
        var failed = await Assert.ThrowsAsync<LinkCutException>(async () => await ReadText(reader.Input, 1));
        Assert.Same(e, failed);
        Assert.Throws<IOException>(() => writer.Write("x"u8));
        Assert.Null(SharedPort.Find(LinkPath)); // out of the registry while its old users still hold it

        using var fresh = TtyLink.Open(LinkPath);
        Assert.NotSame(first, fresh.Port);
        Assert.Equal(2, OpenDescriptors(pty.SlavePath)); // the faulted port (until its users leave) and the fresh one
        writer.Dispose();
        reader.Dispose();
        Assert.Equal(1, OpenDescriptors(pty.SlavePath));
        pty.Write("ok"u8);
        Assert.Equal("ok", await ReadText(fresh.Input, 2));
    }

    [Fact]
    public void Write_DeviceFullBeforeAnyByte_TimeoutAndThePortStays()
    {
        using var pty = new Pty(LinkPath);
        using var link = TtyLink.Open(LinkPath, input: false);
        Assert.Throws<LinkCutException>(() => link.Write(new byte[1 << 20], timeoutMs: 200)); // fills the terminal (and cuts)
        using var third = TtyLink.Open(LinkPath, input: false);
        var e = Assert.Throws<TimeoutException>(() => third.Write("x"u8, timeoutMs: 100)); // nothing went out: not cut
        Assert.Contains("stalled", e.Message, StringComparison.Ordinal);
        Assert.False(third.Port.Faulted);
    }

    [Fact]
    public void Open_DeviceUnpluggedAndItsNumberReused_TheLinkIsGoneSoNothingReachesTheOtherPty()
    {
        for (int attempt = 0; ; attempt++)
        {
            var device = new Pty(LinkPath);
            string number = device.SlavePath;
            using (var link = TtyLink.Open(LinkPath))
            {
                Assert.Equal(number, link.Port.Key);
            }
            device.Dispose(); // unplugged: its number is free for the next pty anywhere
            using var other = Pty.TakeNumberOf(number, _dir.File("other"));
            if (other is null)
            {
                Assert.True(attempt < 20, "another program took the freed number every time");
                continue;
            }
            // The device's link went before its terminal: the path names nothing (not the other pty on that number).
            Assert.Null(new FileInfo(LinkPath).LinkTarget);
            var e = Assert.Throws<LinkOpenException>(() => TtyLink.Open(LinkPath));
            Assert.Contains("ENOENT", e.Message, StringComparison.Ordinal);
            Assert.Equal(0, OpenDescriptors(other.SlavePath));
            return;
        }
    }

    [Fact]
    public void Open_ThroughALink_OpensItsTargetAndSaysWhich()
    {
        using var pty = new Pty(LinkPath);
        using var tty = PosixTty.Open(LinkPath);
        Assert.Equal(LinkPath, tty.Path);
        Assert.Equal(pty.SlavePath, tty.Target);
        Assert.Equal(pty.SlavePath, PosixTty.ResolveTarget(LinkPath));
    }
}
