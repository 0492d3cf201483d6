using System.Text.RegularExpressions;
using ClosedLoop.Rig.Config;
using Xunit;

namespace ClosedLoop.Rig.Tests.Config;

public partial class DocumentedConfigTests
{
    [GeneratedRegex("```toml\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex TomlBlock();

    internal static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ClosedLoop.sln")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        return Path.Combine(dir!.FullName, relative);
    }

    [Fact]
    public void RunConfigDoc_Example_ParsesToTheDocumentedValues()
    {
        string doc = File.ReadAllText(RepoFile("docs/run-config.md"));
        string toml = TomlBlock().Match(doc).Groups[1].Value;
        Assert.NotEmpty(toml);
        var o = RigConfigParser.Parse(toml);
        var d = RigConfigParser.Defaults();
        // The documented values are the defaults: the example doubles as the reference of what runs.
        Assert.Equal(d.Runtime.Loop, o.Runtime.Loop);
        Assert.Equal(d.Runtime.Watchdog, o.Runtime.Watchdog);
        Assert.Equal(d.Cells, o.Cells);
        Assert.Equal(d.Synthetic, o.Synthetic);
        Assert.Equal(d.LeverMap.Receptors, o.LeverMap.Receptors);
        Assert.Equal(d.LeverMap.Coupling, o.LeverMap.Coupling);
        Assert.Equal(d.LeverMap.DendriticDrive, o.LeverMap.DendriticDrive);
        Assert.Equal(d.ZmqIngestEndpoint, o.ZmqIngestEndpoint);
        Assert.Equal(d.Runtime.Channels, o.Runtime.Channels);
        Assert.Equal(d.Runtime.Stimulators, o.Runtime.Stimulators);
    }
}
