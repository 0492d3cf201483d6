using Xunit;
using ClosedLoop.TestSupport;
using ClosedLoop.Recording;

namespace ClosedLoop.Recording.Tests;

public class RecordingSummaryTests
{
    [Fact]
    public async Task ScanAsync_IntactLog_CountsRecordsAndSteps()
    {
        using var dir = new TempDirectory();
        string path = dir.File("s.clrec");
        var expected = SampleLog.Write(path, 90);

        RecordingSummary summary = await RecordingSummary.ScanAsync(path);

        Assert.True(summary.Intact);
        Assert.Equal(new FileInfo(path).Length, summary.FileLength);
        Assert.Equal((0L, 89L), (summary.FirstStep, summary.LastStep));
        Assert.Equal(SampleLog.Model, summary.ModelName);
        foreach (var group in expected.GroupBy(e => e.Type))
        {
            Assert.Equal(group.Count(), summary.RecordsByType[group.Key]);
        }
        var text = new StringWriter();
        summary.WriteTo(text);
        Assert.Contains("OutputFrame          90", text.ToString());
        Assert.EndsWith("intact" + Environment.NewLine, text.ToString());
    }

    [Fact]
    public async Task ScanAsync_TornTail_ReportsNotIntactWithOffset()
    {
        using var dir = new TempDirectory();
        string path = dir.File("t.clrec");
        SampleLog.Write(path, 90);
        byte[] file = await File.ReadAllBytesAsync(path);
        long last = SampleLog.BlockOffsets(file)[^1];
        await File.WriteAllBytesAsync(path, file[..(int)(last + 30)]);

        RecordingSummary summary = await RecordingSummary.ScanAsync(path);

        Assert.False(summary.Intact);
        var text = new StringWriter();
        summary.WriteTo(text);
        Assert.Contains($"damage       Tail at offset {last}, 30 bytes", text.ToString());
        Assert.Contains("NOT intact", text.ToString());
    }
}
