using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ClosedLoop.Core.Configuration;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Scenarios;
using ClosedLoop.Rig.Session;
using Xunit;

namespace ClosedLoop.Rig.Tests.Config;

/// <summary>
/// Seeded mutation fuzzing of the two config readers: hundreds of mutated rig configs (the documented example in
/// docs/run-config.md and the rendered embedded defaults) and mutated scenarios (every file in scenarios/). Each case
/// must end, within a bounded time, either parsed (rig configs are then also built into a session, never started, and
/// disposed) or with a <see cref="ConfigException"/>; any other exception or a hang is a failure naming the seed and case.
/// </summary>
public partial class ConfigFuzzTests
{
    // CLOSEDLOOP_FUZZ_SEED=N replays another seed (a deeper local run); the suite's seed is fixed.
    private static readonly int Seed =
        int.TryParse(Environment.GetEnvironmentVariable("CLOSEDLOOP_FUZZ_SEED"), CultureInfo.InvariantCulture, out int s) ? s : 20261202;
    // CLOSEDLOOP_FUZZ_CASES=N runs N cases per base document (a deeper local run); the suite runs 150.
    private static readonly int CasesPerBase =
        int.TryParse(Environment.GetEnvironmentVariable("CLOSEDLOOP_FUZZ_CASES"), CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 150;
    private static readonly TimeSpan s_caseTimeout = TimeSpan.FromSeconds(15);

    [GeneratedRegex("```toml\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex TomlBlock();

    [Fact]
    public void MutatedRigConfigs_ParseOrFailWithConfigException_AndSessionsBuildAndDispose()
    {
        string documented = TomlBlock().Match(File.ReadAllText(DocumentedConfigTests.RepoFile("docs/run-config.md"))).Groups[1].Value;
        Assert.NotEmpty(documented);
        string rendered = RigConfigParser.Render(RigConfigParser.Defaults());
        var bases = new[] { ("docs/run-config.md", documented), ("Render(Defaults())", rendered) };
        int parsed = 0, rejected = 0;
        foreach (var (what, text) in bases)
        {
            var rng = new Random(Seed ^ what.Length);
            for (int i = 0; i < CasesPerBase; i++)
            {
                string mutated = Mutate(text, rng);
                bool ok = RunCase($"{what} case {i} (seed {Seed})", mutated, m =>
                {
                    var options = RigConfigParser.Parse(m) with { RecordingPath = "" };
                    var session = RigSession.Create(options, TextWriter.Null);
                    session.DisposeAsync().AsTask().GetAwaiter().GetResult();
                });
                if (ok) { parsed++; } else { rejected++; }
            }
        }
        // The fuzz must exercise both outcomes, or the mutations are too weak (or too strong) to mean anything.
        Assert.True(parsed > 10, $"only {parsed} mutated configs parsed");
        Assert.True(rejected > 50, $"only {rejected} mutated configs were rejected");
    }

    [Fact]
    public void MutatedScenarios_ParseOrFailWithConfigException()
    {
        string dir = DocumentedConfigTests.RepoFile("scenarios");
        var files = Directory.GetFiles(dir, "*.toml").Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(files);
        int perFile = Math.Max(30, 2 * CasesPerBase / files.Length);
        int parsed = 0, rejected = 0;
        foreach (string file in files)
        {
            string text = File.ReadAllText(file);
            var rng = new Random(Seed ^ Path.GetFileName(file).Length);
            for (int i = 0; i < perFile; i++)
            {
                string mutated = Mutate(text, rng);
                bool ok = RunCase($"{Path.GetFileName(file)} case {i} (seed {Seed})", mutated, m => ScenarioParser.Parse(m));
                if (ok) { parsed++; } else { rejected++; }
            }
        }
        Assert.True(parsed > 10, $"only {parsed} mutated scenarios parsed");
        Assert.True(rejected > 50, $"only {rejected} mutated scenarios were rejected");
    }

    /// <summary>Runs one case under the timeout: true if it parsed, false if it was refused with a ConfigException.</summary>
    private static bool RunCase(string name, string text, Action<string> action)
    {
        var task = Task.Run(() =>
        {
            try
            {
                action(text);
                return (Ok: true, Error: (Exception?)null);
            }
            catch (ConfigException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Problem), $"{name}: ConfigException without a problem");
                return (Ok: false, Error: (Exception?)null);
            }
            catch (Exception ex)
            {
                return (Ok: false, Error: ex);
            }
        });
        Assert.True(task.Wait(s_caseTimeout), $"{name}: did not finish within {s_caseTimeout.TotalSeconds} s\n{Excerpt(text)}");
        var (ok, error) = task.Result;
        Assert.True(error is null, $"{name}: {error}\n--- input ---\n{Excerpt(text)}");
        return ok;
    }

    private static string Excerpt(string text) => text.Length <= 4000 ? text : text[..4000] + $"... ({text.Length} chars)";

    private static readonly string[] s_values =
    [
        "\"text\"", "true", "false", "[1, 2, 3]", "[]", "{ a = 1 }", "1979-05-27T07:32:00Z", "07:32:00", "\"\"",
        "1e308", "-1e308", "1.7976931348623157e308", "5e-324", "9223372036854775807", "-9223372036854775808",
        "2147483647", "2147483648", "-2147483649", "4294967296", "0", "-0.0", "-1", "1", "0.5", "nan", "+nan", "-nan",
        "inf", "+inf", "-inf", "\"a\\u0000b\"", "\"../../etc/passwd\"", "\"tcp://*:1\"", "\"/dev/null\"", "0x7fffffff",
    ];

    private static readonly string[] s_sectionNames =
        ["bogus", "loop", "watchdog", "[channel]", "[stimulator]", "model", "source", "levers", "receptors", "endpoints",
         "recording", "[sink]", "population", "[population]", "[projection]", "[drive]", "outputs", "modulation", "loop.inner"];

    /// <summary>Applies 1..3 random mutations to <paramref name="text"/>.</summary>
    private static string Mutate(string text, Random rng)
    {
        int n = rng.Next(1, 4);
        for (int k = 0; k < n; k++)
        {
            text = MutateOnce(text, rng);
        }
        return text;
    }

    private static string MutateOnce(string text, Random rng)
    {
        var lines = text.Split('\n').ToList();
        var keyLines = Enumerable.Range(0, lines.Count)
            .Where(i => lines[i].Contains('=', StringComparison.Ordinal) && !lines[i].TrimStart().StartsWith('#'))
            .ToArray();
        int key = keyLines.Length == 0 ? rng.Next(lines.Count) : keyLines[rng.Next(keyLines.Length)];
        switch (rng.Next(12))
        {
            case 0: // delete a key
                lines.RemoveAt(key);
                break;
            case 1: // duplicate a key
                lines.Insert(key, lines[key]);
                break;
            case 2: // swap the type / extreme number / NaN / inf
            case 3:
            case 4:
                lines[key] = ReplaceValue(lines[key], s_values[rng.Next(s_values.Length)]);
                break;
            case 5: // huge string or huge number
                lines[key] = ReplaceValue(lines[key], rng.Next(2) == 0
                    ? "\"" + new string('x', rng.Next(1_000, 200_000)) + "\""
                    : "1" + new string('0', rng.Next(20, 400)));
                break;
            case 6: // a NUL byte (raw) somewhere
                {
                    int at = rng.Next(text.Length + 1);
                    return text.Insert(at, "\0");
                }
            case 7: // an unknown or repeated section, with a key
                {
                    string s = s_sectionNames[rng.Next(s_sectionNames.Length)];
                    string header = s.StartsWith('[') ? $"[{s}]" : $"[{s}]";
                    lines.Insert(rng.Next(lines.Count + 1), $"{header}\nunknown_key = {s_values[rng.Next(s_values.Length)]}");
                    break;
                }
            case 8: // truncation
                return text[..rng.Next(text.Length + 1)];
            case 9: // flip one character
                {
                    if (text.Length == 0)
                    {
                        return "=";
                    }
                    var sb = new StringBuilder(text);
                    int at = rng.Next(sb.Length);
                    sb[at] = "=[]{}\"'#.,\\\n0-+e\u0000\u00e9\ud83d"[rng.Next(19)];
                    return sb.ToString();
                }
            case 10: // an unknown key in a random table
                lines.Insert(key, $"unknown_{rng.Next(100).ToString(CultureInfo.InvariantCulture)} = 1");
                break;
            default: // a key renamed to another key of the document (wrong type in the wrong place)
                {
                    int other = keyLines.Length == 0 ? key : keyLines[rng.Next(keyLines.Length)];
                    string otherValue = ValueOf(lines[other]);
                    lines[key] = ReplaceValue(lines[key], otherValue.Length == 0 ? "1" : otherValue);
                    break;
                }
        }
        return string.Join('\n', lines);
    }

    private static string ValueOf(string line)
    {
        int eq = line.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? "" : line[(eq + 1)..].Trim();
    }

    private static string ReplaceValue(string line, string value)
    {
        int eq = line.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? line + " = " + value : line[..(eq + 1)] + " " + value;
    }
}
