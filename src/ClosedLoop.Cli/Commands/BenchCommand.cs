using System.CommandLine;
using System.Globalization;
using ClosedLoop.Circuit.Bench;
using ClosedLoop.Cli.Output;
using ClosedLoop.Rig.Scenarios;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop bench [--cells N[,N...]] [--dt 0.1] [--seconds S]</c>: single-threaded throughput of the
/// default microcircuit per size, and the largest size that runs in real time on one core.
/// </summary>
public static class BenchCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var cells = new Option<string>("--cells", "-n")
        {
            Description = "Comma-separated network sizes (cells), e.g. 1000,5000,20000.",
            DefaultValueFactory = _ => "1000,5000,20000",
        };
        var dt = new Option<double>("--dt") { Description = "Integration step, ms (0.005..1).", DefaultValueFactory = _ => 0.1 };
        var seconds = new Option<double>("--seconds", "-s") { Description = "Simulated seconds timed per size (after 100 ms warm-up).", DefaultValueFactory = _ => 1.0 };
        var skipSearch = new Option<bool>("--skip-search") { Description = "Skip the search for the largest real-time network." };
        var probeSeconds = new Option<double>("--probe-seconds") { Description = "Simulated seconds per probe of the real-time search.", DefaultValueFactory = _ => 0.25 };
        var format = new Option<string>("--format") { Description = "Output format: table or csv.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv");
        var export = new Option<FileInfo?>("--export-network")
        {
            Description = "Write the first size's network (neuron parameters, synapse list, drives) as JSON to FILE, for scripts/bench_vs_brian2.py.",
        };
        var searchBy = new Option<string>("--search-by")
        {
            Description = "Clock that decides 'real time' in the search: wall, or cpu (the stepping thread's CPU time, for a machine shared with other load).",
            DefaultValueFactory = _ => "wall",
        };
        searchBy.AcceptOnlyFromAmong("wall", "cpu");
        var seed = new Option<int>("--seed") { Description = "Seed of the network.", DefaultValueFactory = _ => 1 };

        var command = new Command("bench", "Single-threaded throughput of the default microcircuit and the largest network that runs in real time.")
        {
            cells, dt, seconds, skipSearch, probeSeconds, searchBy, format, export, seed,
        };
        command.SetAction(parseResult =>
        {
            var sizes = ParseSizes(parseResult.GetRequiredValue(cells));
            double dtMs = parseResult.GetValue(dt);
            if (dtMs is < ScenarioParser.MinDtMs or > ScenarioParser.MaxDtMs)
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture,
                    $"option '--dt' is {dtMs}; expected {ScenarioParser.MinDtMs}..{ScenarioParser.MaxDtMs} ms"));
            }
            double simSeconds = parseResult.GetValue(seconds);
            if (!(simSeconds > 0 && simSeconds <= 3600))
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"option '--seconds' is {simSeconds}; expected 0..3600 s"));
            }
            double probe = parseResult.GetValue(probeSeconds);
            if (!(probe > 0 && probe <= 60))
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"option '--probe-seconds' is {probe}; expected 0..60 s"));
            }
            var output = parseResult.InvocationConfiguration.Output;
            int seedValue = parseResult.GetValue(seed);
            if (parseResult.GetValue(export) is { } exportFile)
            {
                NetworkExporter.Export(sizes[0], seedValue, dtMs, exportFile.FullName);
                output.WriteLine($"# network of {sizes[0]} cells written to {exportFile.FullName}");
            }
            BenchRunner.WarmUpJit();
            bool csv = parseResult.GetValue(format) == "csv";
            var table = new BenchTable(output, csv);
            table.WriteHeader();
            foreach (int n in sizes)
            {
                table.WriteRow(BenchRunner.Measure(n, dtMs, simSeconds, seedValue));
            }
            if (!parseResult.GetValue(skipSearch))
            {
                bool byCpu = parseResult.GetValue(searchBy) == "cpu";
                string clock = byCpu ? "thread CPU time" : "wall time";
                output.WriteLine(csv ? "# real-time search probes" : $"\nSearching the largest real-time network by {clock} (doubling, then bisection to 5 %; best of {BenchRunner.ProbeRepeats} segments per probe):");
                int limit = BenchRunner.FindRealTimeLimit(dtMs, probe, startCells: 500, maxCells: 4_000_000, relativePrecision: 0.05, byCpu, table.WriteRow);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(csv ? "# " : string.Empty)}largest real-time network on one core: {limit} cells (by {clock}, dt {dtMs} ms, probes of {probe} s)"));
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Parses "1000,5000" into sizes; throws <see cref="CliInputException"/> on anything else.</summary>
    public static int[] ParseSizes(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new CliInputException($"option '--cells' is \"{text}\"; expected sizes like 1000,5000");
        }
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 10)
            {
                throw new CliInputException($"option '--cells' has \"{parts[i]}\"; expected a whole number of cells >= 10");
            }
        }
        return sizes;
    }
}
