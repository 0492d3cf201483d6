namespace ClosedLoop.Cli.Tests.Export;

/// <summary><c>closedloop plot recording</c> on a real session's recording, a window of it, and damaged files.</summary>
[Collection(SessionRecording.Collection)]
public sealed class PlotRecordingCommandTests
{
    private readonly SessionRecording _session;

    public PlotRecordingCommandTests(SessionRecording session) => _session = session;

    [Fact]
    public void PlotRecording_RealSession_WritesPngOfTheAskedSize()
    {
        string png = Path.Combine(_session.Directory, "session.png");

        var (code, output, error) = CliRunner.Run("plot", "recording", _session.Path, "--out", png, "--width", "1100", "--height", "1400");

        Assert.True(code == ExitCodes.Ok, output + error);
        Assert.Equal((1100, 1400), PngAssert.IsValidPng(png));
        Assert.Matches(@"recording plot of \d{3,} steps .* [1-9]\d* governor interventions\) written to ", output);
        Assert.True(new FileInfo(png).Length > 30_000, "a five-panel plot of a session should not be this small");
    }

    [Fact]
    public void PlotRecording_Window_DrawsOnlyThoseSteps()
    {
        string png = Path.Combine(_session.Directory, "window.png");

        var (code, output, error) = CliRunner.Run("plot", "recording", _session.Path, "--out", png, "--from", "0.2", "--to", "0.5");

        Assert.True(code == ExitCodes.Ok, output + error);
        Assert.Equal((1400, 1500), PngAssert.IsValidPng(png));
        Assert.Matches(@"recording plot of 30[01] steps \(0\.2\.\.0\.5 s", output);
    }

    [Fact]
    public void PlotRecording_NotARecording_ClearErrorExitTwo()
    {
        string junk = Path.Combine(_session.Directory, "plot-junk.cllog");
        File.WriteAllBytes(junk, [.. Enumerable.Repeat((byte)0x42, 4000)]);

        var (code, _, error) = CliRunner.Run("plot", "recording", junk, "--out", Path.Combine(_session.Directory, "junk.png"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("plot-junk.cllog: not a ClosedLoop recording", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_session.Directory, "junk.png")));
    }

    [Fact]
    public void PlotRecording_TornTail_PlotsWhatWasReadAndSaysItIsDamaged()
    {
        string torn = Path.Combine(_session.Directory, "torn.cllog");
        byte[] bytes = File.ReadAllBytes(_session.Path);
        File.WriteAllBytes(torn, bytes[..(bytes.Length - 100)]);
        string png = Path.Combine(_session.Directory, "torn.png");

        var (code, output, error) = CliRunner.Run("plot", "recording", torn, "--out", png);

        Assert.Equal(3, code);
        Assert.Contains("torn.cllog is damaged: Tail at offset", error, StringComparison.Ordinal);
        Assert.Equal((1400, 1500), PngAssert.IsValidPng(png));
        Assert.Contains("written to", output, StringComparison.Ordinal);
    }

    [Fact]
    public void PlotRecording_EmptyWindow_SaysHowManyStepsThereAre()
    {
        var (code, _, error) = CliRunner.Run("plot", "recording", _session.Path, "--out", Path.Combine(_session.Directory, "late.png"), "--from", "500", "--to", "600");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Matches(@"no loop steps between 500 s and 600 s \(the recording has \d+ steps\)", error);
    }
}
