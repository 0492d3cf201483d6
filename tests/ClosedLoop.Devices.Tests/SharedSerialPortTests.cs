using ClosedLoop.Bridge.Links;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Devices.Serial;
using ClosedLoop.TestSupport;
using ClosedLoop.TestSupport.Devices;
using Xunit;

namespace ClosedLoop.Devices.Tests;

/// <summary>
/// One microcontroller on one port that takes the serial sink's output lines and streams samples and a digital line
/// back: the sink and the source share the port (opened once, reference-counted), on a real pseudo-terminal.
/// </summary>
public sealed class SharedSerialPortTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Link => _dir.File("mcu");

    private sealed class Collector : IArousalSink, IDigitalEdgeSink
    {
        private readonly List<ArousalSample> _samples = [];
        private readonly List<DigitalEdge> _edges = [];
        private readonly List<(IngestError Kind, string Detail)> _errors = [];

        public ArousalSample[] Samples { get { lock (_samples) { return [.. _samples]; } } }

        public DigitalEdge[] Edges { get { lock (_samples) { return [.. _edges]; } } }

        public (IngestError Kind, string Detail)[] Errors { get { lock (_samples) { return [.. _errors]; } } }

        public void OnSample(in ArousalSample sample)
        {
            lock (_samples)
            {
                _samples.Add(sample);
            }
        }

        public void OnError(IngestError error, string detail)
        {
            lock (_samples)
            {
                _errors.Add((error, detail));
            }
        }

        public void OnDigitalEdge(in DigitalEdge edge)
        {
            lock (_samples)
            {
                _edges.Add(edge);
            }
        }
    }

    [Fact]
    public async Task SinkAndSource_OneDevice_ShareOnePortBothDirectionsWorkAndTheLastReleaseClosesIt()
    {
        using var mcu = new SerialLineReceiver(Link);
        await using var feed = new FrameFeed();
        feed.Set(SafetyState.Armed, 0.75f);
        var sink = new SerialLineSink(new SerialLineOptions { Port = Link, RateHz = 100 });
        var source = new SerialLineSource(new SerialLineSourceOptions { Port = Link });
        var got = new Collector();
        using var stopSink = new CancellationTokenSource();
        using var stopSource = new CancellationTokenSource();
        var sinkRun = sink.RunAsync(feed.Reader(), stopSink.Token);
        var sourceRun = source.RunAsync(got, stopSource.Token);
        await FrameFeed.Eventually(() => SharedPort.Find(Link)?.Users == 2, "both users on the port");
        Assert.Equal(1, Pty.DescriptorsOn(mcu.SlavePath!)); // one open for two users (a global count would see other tests' ports)

        await FrameFeed.Eventually(() => mcu.Lines.Count >= 5, "output lines at the device");
        Assert.All(mcu.Lines, l => Assert.Equal([0.75], l.Values));
        mcu.SendLine("CLA,1,10.001,0.25");
        mcu.SendLine("CLA,2,10.002,0.5");
        mcu.SendLine("CLD,0,1,10.0025"); // e.g. an e-stop button pressed
        mcu.SendLine("CLA,3,10.003,0.6", corruptChecksum: true);
        mcu.SendLine("CLA,5,10.005,0.75"); // 3 was dropped as malformed and 4 never sent: two lost
        await FrameFeed.Eventually(() => got.Samples.Length == 3 && got.Edges.Length == 1, "samples and the edge");
        Assert.Equal(new[] { 0.25, 0.5, 0.75 }, got.Samples.Select(s => s.Value).ToArray());
        Assert.Equal(new[] { 1ul, 2ul, 5ul }, got.Samples.Select(s => s.Sequence).ToArray());
        Assert.Equal(10.002, got.Samples[1].SourceTimeSeconds);
        Assert.True(got.Edges[0].High);
        Assert.Equal(0, got.Edges[0].Line);
        Assert.Contains(got.Errors, e => e.Kind == IngestError.Malformed && e.Detail.Contains("checksum", StringComparison.Ordinal));
        Assert.Contains(got.Errors, e => e.Kind == IngestError.SequenceGap);
        Assert.Equal(0, mcu.Bad); // the source's reading never disturbed the sink's lines

        await stopSource.CancelAsync();
        await sourceRun.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, SharedPort.Find(Link)?.Users); // the sink still holds it
        int before = mcu.Lines.Count;
        await FrameFeed.Eventually(() => mcu.Lines.Count > before + 3, "lines after the source left");

        await stopSink.CancelAsync();
        await sinkRun.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(SharedPort.Find(Link)); // the last user left: closed
        Assert.Equal(1, sink.Connections);
        Assert.Equal(1, source.Connections);
    }
}
