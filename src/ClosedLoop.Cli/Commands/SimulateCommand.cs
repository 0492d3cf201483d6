using System.CommandLine;
using System.Globalization;
using ClosedLoop.Circuit.Scenarios;
using ClosedLoop.Circuit.Simulation;
using ClosedLoop.Rig.Scenarios;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop simulate SCENARIO [--out DIR]</c>: run a scenario file offline and write CSV outputs.</summary>
public static class SimulateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var scenarioArg = new Argument<FileInfo>("scenario") { Description = "Scenario file (TOML, see docs/scenario-format.md)." };
        var outOption = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = "Output directory for spikes.csv, rates.csv and traces.csv (default: out/<scenario name>).",
        };
        var command = new Command("simulate", "Run a scenario offline (as fast as possible) and write spikes, rates and traces as CSV.")
        {
            scenarioArg,
            outOption,
        };
        command.SetAction(parseResult =>
        {
            var file = parseResult.GetRequiredValue(scenarioArg);
            if (!file.Exists)
            {
                throw new CliInputException($"scenario file '{file.FullName}' does not exist");
            }
            var scenario = ScenarioParser.ParseFile(file.FullName);
            string outDir = parseResult.GetValue(outOption)?.FullName ?? Path.Combine("out", scenario.Name);
            var result = SimulationRunner.Run(scenario, outDir);
            WriteSummary(parseResult.InvocationConfiguration.Output, scenario, result, outDir);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Prints the human-readable summary of a run.</summary>
    public static void WriteSummary(TextWriter output, Scenario scenario, SimulationResult result, string outDir)
    {
        var ci = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(ci, $"scenario     {scenario.Name}"));
        output.WriteLine(string.Create(ci, $"cells        {result.Cells}"));
        output.WriteLine(string.Create(ci, $"synapses     {result.Synapses}"));
        output.WriteLine(string.Create(ci, $"simulated    {result.SimulatedMs:F1} ms in {result.Steps} steps of {scenario.Circuit.DtMs} ms"));
        for (int k = 0; k < result.Populations.Count; k++)
        {
            var p = result.Populations[k];
            output.WriteLine(string.Create(ci, $"rate         {p.Name,-12} {result.RateHz(k),9:F3} Hz  ({result.SpikeCounts[k]} spikes, {p.Count} cells)"));
        }
        output.WriteLine(string.Create(ci, $"build time   {result.BuildSeconds:F3} s"));
        output.WriteLine(string.Create(ci, $"wall time    {result.WallSeconds:F3} s (step loop with recording)"));
        output.WriteLine(string.Create(ci, $"real-time    {result.RealTimeFactor:F2} x (simulated / wall; above 1 = faster than real time)"));
        output.WriteLine(string.Create(ci, $"syn. events  {result.SynapticEvents}"));
        output.WriteLine($"outputs      {Path.GetFullPath(outDir)}");
    }
}
