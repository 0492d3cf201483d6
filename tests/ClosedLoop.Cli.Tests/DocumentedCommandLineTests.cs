using System.Text.RegularExpressions;

namespace ClosedLoop.Cli.Tests;

/// <summary>
/// Docs and CLI agree: every <c>closedloop ...</c> command line quoted in README.md and docs/*.md (in a code span or
/// a code block) parses with the real command tree, and its command's --help runs. Placeholders (FILE, SCENARIO) are
/// arguments like any other; optional parts in [brackets] are parsed as if given.
/// </summary>
public sealed partial class DocumentedCommandLineTests
{
    [GeneratedRegex(@"`(closedloop(?: [^`]*)?)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^\s*(?:\$ )?(closedloop(?: .*)?)$")]
    private static partial Regex CodeLine();

    public static TheoryData<string, string> QuotedCommandLines()
    {
        var data = new TheoryData<string, string>();
        var seen = new HashSet<string>();
        var files = new[] { Path.Combine(RepoPaths.Root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md"));
        foreach (string file in files)
        {
            bool inBlock = false;
            foreach (string raw in File.ReadLines(file))
            {
                if (raw.TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    inBlock = !inBlock;
                    continue;
                }
                var lines = inBlock
                    ? CodeLine().Match(raw) is { Success: true } m ? [m.Groups[1].Value] : Array.Empty<string>()
                    : CodeSpan().Matches(raw).Select(x => x.Groups[1].Value).ToArray();
                foreach (string line in lines)
                {
                    string command = Normalise(line);
                    if (seen.Add(command))
                    {
                        data.Add(Path.GetRelativePath(RepoPaths.Root, file), command);
                    }
                }
            }
        }
        return data;
    }

    // Drop a trailing shell comment, brackets of optional parts and an ellipsis.
    private static string Normalise(string line)
    {
        int hash = line.IndexOf(" #", StringComparison.Ordinal);
        string s = hash >= 0 ? line[..hash] : line;
        return s.Replace("[", "", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal)
            .Replace("...", "", StringComparison.Ordinal).Trim();
    }

    [Theory]
    [MemberData(nameof(QuotedCommandLines))]
    public void QuotedCommandLine_ParsesAndItsHelpRuns(string file, string commandLine)
    {
        string[] args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
        string[] words = args.TakeWhile(a => !a.StartsWith('-')).ToArray();
        // A bare command name in prose ("`closedloop replay` checks ...") names the command; a line with arguments must parse.
        if (CommandDepth(words) < args.Length || args.Length == 0)
        {
            var parse = CliApp.CreateRootCommand().Parse(args);
            Assert.True(parse.Errors.Count == 0, $"{file}: `{commandLine}`: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        }
        // The command's own help (a dry run of the command name) prints its usage.
        var output = new StringWriter();
        var error = new StringWriter();
        string[] help = [.. words.Take(CommandDepth(words)), "--help"];
        Assert.Equal(0, CliApp.Run(help, output, error));
        Assert.Contains("Usage:", output.ToString());
    }

    [Fact]
    public void TheDocsQuoteCommandLines()
    {
        Assert.True(QuotedCommandLines().Count >= 15, $"only {QuotedCommandLines().Count} command lines found in README.md and docs/");
    }

    // How many leading words name (sub)commands: "plot raster spikes.csv" -> 2, "replay FILE" -> 1.
    private static int CommandDepth(string[] words)
    {
        System.CommandLine.Command current = CliApp.CreateRootCommand();
        int depth = 0;
        foreach (string w in words)
        {
            var next = current.Subcommands.FirstOrDefault(c => c.Name == w);
            if (next is null)
            {
                break;
            }
            current = next;
            depth++;
        }
        return depth;
    }
}
