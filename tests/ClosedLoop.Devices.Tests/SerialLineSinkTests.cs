using System.Text;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Devices.Serial;
using ClosedLoop.TestSupport;
using ClosedLoop.TestSupport.Devices;
using Xunit;

namespace ClosedLoop.Devices.Tests;

/// <summary>The generic serial/TTL line sink: format vectors, and a receiver on a real pseudo-terminal.</summary>
public sealed class SerialLineSinkTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Link => _dir.File("ttl");

    [Fact]
    public void Format_IsTheDocumentedLine()
    {
        var f = new OutputFrame { Step = 1234, Safety = SafetyState.Armed, ChannelCount = 2 };
        f.Values[0] = 12.5f;
        f.Values[1] = 0.1f;
        var b = new byte[SerialLineSink.MaxLineBytes];
        string line = Encoding.ASCII.GetString(b, 0, SerialLineSink.Format(f, b));
        int sum = 0;
        foreach (char c in "CL1,1234,0,12.5,0.1")
        {
            sum ^= c;
        }
        Assert.Equal($"$CL1,1234,0,12.5,0.1*{sum:X2}\n", line);
    }

    [Fact]
    public void Format_LongestLineFits()
    {
        var f = new OutputFrame { Step = long.MaxValue, Safety = SafetyState.EStop, ChannelCount = OutputFrame.MaxChannels };
        for (int i = 0; i < OutputFrame.MaxChannels; i++)
        {
            f.Values[i] = -1.23456789E-30f;
        }
        var b = new byte[SerialLineSink.MaxLineBytes];
        Assert.InRange(SerialLineSink.Format(f, b), 1, SerialLineSink.MaxLineBytes);
    }

    [Fact]
    public async Task Lines_ArriveAtTheRateWithTheFrameValues_AndSurviveAnUnplug()
    {
        using var rx = new SerialLineReceiver(Link);
        await using var feed = new FrameFeed();
        feed.Set(SafetyState.Armed, 1.5f, 7);
        var sink = new SerialLineSink(new SerialLineOptions { Port = Link, Baud = 115200, RateHz = 50, ReconnectMaxMs = 200 });
        using var cts = new CancellationTokenSource();
        var run = sink.RunAsync(feed.Reader(), cts.Token);
        await FrameFeed.Eventually(() => rx.Lines.Count >= 25, "25 lines");
        var lines = rx.Lines;
        Assert.All(lines, l => Assert.Equal([1.5, 7.0], l.Values));
        Assert.All(lines, l => Assert.Equal(0, l.Safety));
        Assert.Equal(0, rx.Bad);
        // paced, never faster than the rate (a loaded machine may make it slower)
        double seconds = (lines[^1].Ticks - lines[0].Ticks) / 1000.0;
        Assert.True(lines.Count - 1 <= 50 * seconds * 1.2 + 2, $"{lines.Count} lines in {seconds:F2} s at 50 Hz");
        feed.Set(SafetyState.Tripped, 0, 0);
        await FrameFeed.Eventually(() => rx.Lines[^1].Safety == 2, "a tripped line");
        rx.Unplug();
        await Task.Delay(200);
        int before = rx.Lines.Count;
        rx.Replug();
        await FrameFeed.Eventually(() => rx.Lines.Count > before + 5 && sink.Connections >= 2, "lines after the replug");
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, rx.Bad);
    }
}
