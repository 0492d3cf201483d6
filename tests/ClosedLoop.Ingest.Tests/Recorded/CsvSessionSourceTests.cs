using ClosedLoop.Core.Ingest;
using ClosedLoop.Ingest.Recorded;
using Xunit;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Ingest.Tests.Recorded;

public sealed class CsvSessionSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-csv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string text)
    {
        string path = Path.Combine(_dir, "session.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task RunAsync_GoodFile_DeliversEverySampleInOrder()
    {
        string path = Write("# recorded 2026-11-23\nt_s,channel,value,confidence\n0.000,0,3.50,0.95\n0.005,1,3.60,0.90\n0.010,0,3.55,0.97\n");
        var sink = new CollectingSink();
        var source = new CsvSessionSource(path, speed: 0);
        await source.RunAsync(sink, CancellationToken.None);
        var s = sink.Samples.ToArray();
        Assert.Equal(3, s.Length);
        Assert.Equal(3.60, s[1].Value);
        Assert.Equal(1, s[1].Channel);
        Assert.Equal(0.005, s[1].SourceTimeSeconds);
        Assert.Equal(ArousalSourceKind.Pupil, s[0].Kind);
        Assert.Empty(sink.Errors);
    }

    [Fact]
    public async Task RunAsync_BadLines_AreCountedAndSkipped()
    {
        string path = Write("t_s,channel,value,confidence,kind\n" +
            "0.0,0,1.0,1,photometry\n" +
            "garbage line\n" +
            "0.1,0,NaN,1,photometry\n" +
            "0.2,0,1.2,1,laser\n" +
            "0.3,0,1.3,1,photometry\n" +
            "0.25,0,1.1,1,photometry\n");
        var sink = new CollectingSink();
        var source = new CsvSessionSource(path, speed: 0);
        await source.RunAsync(sink, CancellationToken.None);
        Assert.Equal(new[] { 1.0, 1.3 }, sink.Samples.Select(x => x.Value).ToArray());
        Assert.All(sink.Samples, x => Assert.Equal(ArousalSourceKind.Photometry, x.Kind));
        var errors = sink.Errors.Select(e => e.Error).ToArray();
        Assert.Equal(new[] { IngestError.Malformed, IngestError.NonFinite, IngestError.Malformed, IngestError.TimeWentBackwards }, errors);
        Assert.Contains("line 3", sink.Errors.First().Detail);
        Assert.Equal(4, source.Rejected);
    }

    [Fact]
    public async Task RunAsync_WrongHeader_ThrowsWithExpectedHeader()
    {
        string path = Write("time,value\n0,1\n");
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => new CsvSessionSource(path, 0).RunAsync(new CollectingSink(), CancellationToken.None));
        Assert.Contains("t_s,channel,value,confidence", ex.Message);
    }

    [Fact]
    public async Task RunAsync_RealTimeSpeed_PacesBySourceTime()
    {
        string path = Write("t_s,channel,value,confidence\n10.0,0,1,1\n10.1,0,1,1\n10.2,0,1,1\n");
        var sink = new CollectingSink();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        await new CsvSessionSource(path, speed: 2).RunAsync(sink, CancellationToken.None);
        // 0.2 s of recording at speed 2 takes at least 0.1 s.
        Assert.True(sw.Elapsed.TotalMilliseconds >= 95, $"{sw.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(3, sink.Samples.Count);
    }

    [Fact]
    public void Constructor_NegativeSpeed_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CsvSessionSource("x.csv", -1));
        Assert.Contains("recorded.speed", ex.Message);
    }
}
