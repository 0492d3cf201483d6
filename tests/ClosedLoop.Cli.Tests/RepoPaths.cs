namespace ClosedLoop.Cli.Tests;

/// <summary>Locates files of the repository (scenarios/) from the test's output folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Scenario(string fileName) => Path.Combine(Root, "scenarios", fileName);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "scenarios")) && File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("repository root with scenarios/ not found above " + AppContext.BaseDirectory);
    }
}
