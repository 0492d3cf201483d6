using System.CommandLine;
using System.Globalization;
using ClosedLoop.Circuit.Analysis;
using ClosedLoop.Cli.Plotting;
using ClosedLoop.Rig.Analysis;
using ClosedLoop.Rig.Config;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop plot gain-arousal [--config rig.toml] [--arousal 0,0.25,0.5,0.75,1] [--seeds 1,2,3] [--cells 2000]</c>:
/// sweeps arousal through the receptor map <c>closedloop run</c> would use (the config's [receptors] and [levers], or
/// the defaults), measures the default microcircuit's gain (pyramidal rate change per +100 pA somatic current) and
/// burst fraction on every seed, and writes a two-panel PNG with error bars (sd over seeds) and the numbers as CSV.
/// </summary>
public static class PlotGainArousalCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var output = new Option<FileInfo>("--out", "-o") { Description = "PNG to write; the numbers go to the same name with .csv.", DefaultValueFactory = _ => new FileInfo("gain-arousal.png") };
        var config = new Option<FileInfo?>("--config", "-c") { Description = "Rig config whose [receptors] and [levers] give the map (default: the embedded defaults)." };
        var arousal = new Option<string>("--arousal") { Description = "Arousal values, 0..1, comma-separated.", DefaultValueFactory = _ => "0,0.25,0.5,0.75,1" };
        var seeds = new Option<string>("--seeds") { Description = "Circuit seeds, comma-separated.", DefaultValueFactory = _ => "1,2,3" };
        var cells = new Option<int>("--cells") { Description = "Circuit size (the default microcircuit).", DefaultValueFactory = _ => 2000 };
        var step = new Option<double>("--step-pa") { Description = "Somatic current step, pA.", DefaultValueFactory = _ => 100 };
        var duration = new Option<double>("--duration-ms") { Description = "Counting window, ms.", DefaultValueFactory = _ => 1000 };
        var settle = new Option<double>("--settle-ms") { Description = "Transient discarded before counting, ms.", DefaultValueFactory = _ => 300 };
        var width = new Option<int>("--width") { Description = "Image width, px.", DefaultValueFactory = _ => 1200 };
        var height = new Option<int>("--height") { Description = "Image height, px.", DefaultValueFactory = _ => 600 };
        var command = new Command("gain-arousal", "Network gain and burst fraction of the microcircuit over arousal, through the receptor map (several seeds, error bars).")
        {
            output, config, arousal, seeds, cells, step, duration, settle, width, height,
        };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(config);
            if (file is not null && !file.Exists)
            {
                throw new CliInputException($"config file '{file.FullName}' does not exist");
            }
            var options = file is null ? RigConfigParser.Defaults() : RigConfigParser.Parse(File.ReadAllText(file.FullName));
            var arousals = ParseList("--arousal", parse.GetRequiredValue(arousal), 0, 1, 20);
            var seedValues = ParseList("--seeds", parse.GetRequiredValue(seeds), 0, int.MaxValue, 20);
            if (seedValues.Any(s => s != Math.Floor(s)))
            {
                throw new CliInputException("option '--seeds' expects whole numbers");
            }
            var seedList = seedValues.Select(s => (int)s).ToArray();
            var protocol = new NetworkGainProtocol
            {
                Cells = CheckRange("--cells", parse.GetValue(cells), 10, 100_000),
                Seeds = seedList,
                StepPa = CheckRange("--step-pa", parse.GetValue(step), 1, 2000),
                DurationMs = CheckRange("--duration-ms", parse.GetValue(duration), 50, 60_000),
                SettleMs = CheckRange("--settle-ms", parse.GetValue(settle), 0, 60_000),
                DtMs = 1000.0 / options.Runtime.Loop.StepRateHz / options.Runtime.Loop.Substeps,
            };
            var (w, h) = PlotSize.Check(parse.GetValue(width), parse.GetValue(height));
            var console = parse.InvocationConfiguration.Output;
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"measuring gain over arousal: {protocol.Cells} cells, seeds {string.Join(' ', seedList)}, +{protocol.StepPa} pA, {protocol.DurationMs} ms after {protocol.SettleMs} ms"));
            var result = GainArousalSweep.Run(options.LeverMap, arousals, protocol);
            string png = parse.GetRequiredValue(output).FullName;
            string csv = Path.ChangeExtension(png, ".csv");
            GainArousalPlotter.Render(result, protocol, png, w, h);
            GainArousalPlotter.WriteCsv(result, csv);
            console.WriteLine("arousal  gain (Hz/nA)     burst fraction   rate (Hz)   coupling  dend. drive (pA)");
            foreach (var r in result.Rows)
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Arousal,7:F3}  {r.GainMean,6:F2} ± {r.GainSd,4:F2}  {r.BurstMean,6:F3} ± {r.BurstSd,5:F3}  {r.RateMean,6:F2}      {r.Levers.Coupling,6:F3}  {r.Levers.DendriticDrive,8:F1}"));
            }
            console.WriteLine($"gain-arousal figure written to {png} (numbers in {csv})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static T CheckRange<T>(string option, T value, T min, T max)
        where T : System.Numerics.INumber<T>
        => value >= min && value <= max
            ? value
            : throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"option '{option}' is {value}; expected {min}..{max}"));

    private static double[] ParseList(string option, string text, double min, double max, int most)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts.Length > most)
        {
            throw new CliInputException($"option '{option}' is \"{text}\"; expected 1 to {most} comma-separated values");
        }
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !(values[i] >= min && values[i] <= max))
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"option '{option}' has \"{parts[i]}\"; expected a number in {min}..{max}"));
            }
        }
        return values;
    }
}
