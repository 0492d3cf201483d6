using System.Text.RegularExpressions;

namespace ClosedLoop.Cli.Tests;

/// <summary>
/// Docs stand alone: every markdown file of the repository (README, docs/, hil/, configs/, clients/, firmware-bridge/
/// and any other) is scanned. Relative links must resolve to a file or folder inside the repository; a path in a code
/// span that starts at a repository folder (<c>src/...</c>, <c>docs/...</c>, ...) or climbs out with <c>../</c> must exist
/// inside it; and no doc may refer to the team's design notes, which are not part of the repository
/// (<c>../shared</c>, <c>MODELS.md</c>, <c>PROTOCOLS.md</c>, <c>ARCHITECTURE.md</c>, <c>STYLE.md</c>, <c>ENVIRONMENT.md</c>).
/// </summary>
public sealed partial class SelfContainedDocsTests
{
    /// <summary>Names of files outside the repository (case matters: docs/architecture.md is ours).</summary>
    private static readonly string[] s_refused = ["../shared", "shared/design", "MODELS.md", "PROTOCOLS.md", "ARCHITECTURE.md", "STYLE.md", "ENVIRONMENT.md"];

    /// <summary>Top-level folders of the repository: a code span starting with one of them is a path that must exist.</summary>
    private static readonly string[] s_roots = ["src/", "tests/", "docs/", "configs/", "clients/", "hil/", "firmware-bridge/", "tools/", "protos/", "scripts/", "scenarios/"];

    /// <summary>Folders that hold build output or tools' caches, never docs of ours; paths into them are generated, not checked.</summary>
    private static readonly string[] s_generated = ["bin", "obj", "build", "out", "node_modules", ".git", "__pycache__"];

    [GeneratedRegex(@"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+""[^""]*"")?\s*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", RegexOptions.Multiline)]
    private static partial Regex ReferenceLink();

    [GeneratedRegex(@"`([^`\n]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();

    public static TheoryData<string> MarkdownFiles()
    {
        var data = new TheoryData<string>();
        foreach (string doc in Docs())
        {
            data.Add(doc);
        }
        return data;
    }

    private static IEnumerable<string> Docs()
    {
        foreach (string file in Directory.EnumerateFiles(RepoPaths.Root, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(RepoPaths.Root, file);
            if (!relative.Split(Path.DirectorySeparatorChar).Any(s_generated.Contains))
            {
                yield return relative.Replace(Path.DirectorySeparatorChar, '/');
            }
        }
    }

    [Fact]
    public void MarkdownFiles_CoverEveryDocumentedArea()
    {
        string[] files = [.. Docs()];
        Assert.Contains("README.md", files);
        Assert.Contains(files, f => f.StartsWith("docs/", StringComparison.Ordinal));
        Assert.Contains(files, f => f.StartsWith("hil/", StringComparison.Ordinal));
        Assert.Contains(files, f => f.StartsWith("firmware-bridge/", StringComparison.Ordinal));
        Assert.Contains(files, f => f.StartsWith("clients/", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Doc_MentionsNoFileOutsideTheRepository(string doc)
    {
        string path = Path.Combine(RepoPaths.Root, doc);
        string text = File.ReadAllText(path);
        string folder = Path.GetDirectoryName(path)!;
        var problems = new List<string>();
        foreach (string name in s_refused)
        {
            if (text.Contains(name, StringComparison.Ordinal))
            {
                problems.Add($"mentions '{name}' (a design note outside the repository: say it here, cite the paper or manual by name)");
            }
        }
        foreach (string target in InlineLink().Matches(text).Concat(ReferenceLink().Matches(text)).Select(m => m.Groups[1].Value))
        {
            if (Scheme().IsMatch(target) || target.StartsWith('#'))
            {
                continue; // a web address, or an anchor in this page
            }
            string local = Uri.UnescapeDataString(target.Split('#')[0]);
            if (local.StartsWith('/') || !Resolves(folder, local))
            {
                problems.Add($"link '{target}' does not resolve to a file inside the repository");
            }
        }
        foreach (string span in CodeSpan().Matches(text).Select(m => m.Groups[1].Value.Trim()))
        {
            if (!IsRepositoryPath(span))
            {
                continue;
            }
            string local = span.TrimEnd('/');
            int colon = local.IndexOf(':', StringComparison.Ordinal);
            local = colon > 0 ? local[..colon] : local; // file:line
            bool found = Resolves(RepoPaths.Root, local) || Resolves(folder, local)
                || Resolves(RepoPaths.Root, local + ".cs") || Resolves(RepoPaths.Root, local + ".py");
            if (!found)
            {
                problems.Add($"path '{span}' does not exist inside the repository");
            }
        }
        Assert.True(problems.Count == 0, $"{doc}:\n  " + string.Join("\n  ", problems));
    }

    private static bool IsRepositoryPath(string span)
    {
        if (span.Contains(' ', StringComparison.Ordinal) || span.IndexOfAny(['*', '?', '<', '>', '{', '}', '$', '|', '=', '(', '[']) >= 0
            || span.Contains("...", StringComparison.Ordinal))
        {
            return false; // a command line, a glob, a placeholder
        }
        if (!span.StartsWith("../", StringComparison.Ordinal) && !s_roots.Any(r => span.StartsWith(r, StringComparison.Ordinal)))
        {
            return false;
        }
        return !span.Split('/').Any(s_generated.Contains);
    }

    private static bool Resolves(string folder, string relative)
    {
        string full = Path.GetFullPath(Path.Combine(folder, relative));
        string root = Path.GetFullPath(RepoPaths.Root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return (full + Path.DirectorySeparatorChar).StartsWith(root, StringComparison.Ordinal) && (File.Exists(full) || Directory.Exists(full));
    }
}
