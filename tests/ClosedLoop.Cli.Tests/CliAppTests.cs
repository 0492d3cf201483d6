using ClosedLoop.TestSupport;

namespace ClosedLoop.Cli.Tests;

public class CliAppTests
{
    [Fact]
    public void Run_Help_ListsEveryCommandAndExitsZero()
    {
        var (code, output, _) = CliRunner.Run("--help");

        Assert.Equal(ExitCodes.Ok, code);
        foreach (var command in new[] { "run", "replay", "simulate", "bench", "plot" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Run_UnknownCommand_ExitsTwoWithMessageOnStderr()
    {
        var (code, output, error) = CliRunner.Run("frobnicate");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("frobnicate", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public void Run_SimulateMissingScenarioFile_ExitsTwoNamingTheFile()
    {
        var (code, _, error) = CliRunner.Run("simulate", "/nonexistent/scenario.toml");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("/nonexistent/scenario.toml", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_SimulateInvalidScenario_ExitsTwoWithFieldErrorOnStderr()
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.toml");
        File.WriteAllText(path, "duration_ms = 100\ndt_ms = 3\n[[population]]\nname = \"a\"\ntype = \"pv\"\ncount = 1\n");

        var (code, output, error) = CliRunner.Run("simulate", path, "--out", dir.File("out"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("config error in 'dt_ms': 3; expected 0.005..1 ms", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Theory]
    [InlineData("--cells", "1000,abc")]
    [InlineData("--cells", "9")]
    [InlineData("--dt", "5")]
    [InlineData("--seconds", "0")]
    [InlineData("--probe-seconds", "-1")]
    public void Run_BenchBadOption_ExitsTwoBeforeMeasuring(string option, string value)
    {
        var (code, _, error) = CliRunner.Run("bench", option, value, "--skip-search");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--format", "xml")]
    [InlineData("--search-by", "sundial")]
    public void Run_BenchValueOutsideChoices_ExitsTwoNamingTheValue(string option, string value)
    {
        var (code, _, error) = CliRunner.Run("bench", option, value);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(value, error, StringComparison.Ordinal);
    }
}
