using System.CommandLine;
using System.Globalization;
using ClosedLoop.Cli.Plotting;
using ClosedLoop.Core.Levers;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop plot fi [--out fi.png] [--max-current 2000] [--current-step 100] ...</c>: f-I curves of L5
/// pyramidal cells under each lever (dendritic drive, coupling, SOM strength, PV strength), several values
/// each, as a 2 x 2 PNG plus the numbers as CSV beside it.
/// </summary>
public static class PlotFiCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var output = new Option<FileInfo>("--out", "-o") { Description = "PNG to write; the numbers go to the same name with .csv.", DefaultValueFactory = _ => new FileInfo("fi.png") };
        var maxCurrent = new Option<double>("--max-current") { Description = "Largest somatic current, pA.", DefaultValueFactory = _ => 2000 };
        var step = new Option<double>("--current-step") { Description = "Current grid step, pA (from 0).", DefaultValueFactory = _ => 100 };
        var duration = new Option<double>("--duration-ms") { Description = "Counting window per current, ms.", DefaultValueFactory = _ => 1000 };
        var settle = new Option<double>("--settle-ms") { Description = "Transient discarded before counting, ms.", DefaultValueFactory = _ => 200 };
        var dendritic = LeverOption(Lever.DendriticDrive, "0,250,500");
        var coupling = LeverOption(Lever.Coupling, "0,0.5,1");
        var som = LeverOption(Lever.SomStrength, "0,1,2,4");
        var pv = LeverOption(Lever.PvStrength, "0,1,2,4");
        var context = new Option<double>("--context-dendritic-drive") { Description = "Dendritic current under which the coupling and SOM panels are measured, pA.", DefaultValueFactory = _ => 500 };
        var perLevel = new Option<int>("--cells-per-level") { Description = "Isolated cells per current level (rates averaged).", DefaultValueFactory = _ => 10 };
        var somaNoise = new Option<double>("--somatic-noise") { Description = "SD of OU noise (tau 5 ms) into each soma, pA.", DefaultValueFactory = _ => 100 };
        var dendNoise = new Option<double>("--dendritic-noise") { Description = "SD of OU noise (tau 5 ms) into each dendrite, pA.", DefaultValueFactory = _ => 200 };
        var width = new Option<int>("--width") { Description = "Image width, px.", DefaultValueFactory = _ => 1400 };
        var height = new Option<int>("--height") { Description = "Image height, px.", DefaultValueFactory = _ => 1000 };
        var command = new Command("fi", "f-I curves of L5 pyramidal cells under each lever (dendritic drive, coupling, SOM and PV strength).")
        {
            output, maxCurrent, step, duration, settle, dendritic, coupling, som, pv, context, perLevel, somaNoise, dendNoise, width, height,
        };
        command.SetAction(parseResult =>
        {
            double max = parseResult.GetValue(maxCurrent), di = parseResult.GetValue(step);
            if (!(di > 0 && max >= di && max / di <= 200))
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture,
                    $"options '--max-current' {max} and '--current-step' {di}: expected 0 < step <= max and at most 200 points"));
            }
            double durationMs = parseResult.GetValue(duration), settleMs = parseResult.GetValue(settle);
            if (!(durationMs >= 10 && durationMs <= 60_000) || !(settleMs >= 0 && settleMs <= 60_000))
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture,
                    $"options '--duration-ms' {durationMs} / '--settle-ms' {settleMs}: expected 10..60000 and 0..60000 ms"));
            }
            var (w, h) = PlotSize.Check(parseResult.GetValue(width), parseResult.GetValue(height));
            var settings = new FiSweepSettings
            {
                CurrentsPa = Enumerable.Range(0, (int)Math.Floor(max / di + 1e-9) + 1).Select(i => i * di).ToArray(),
                DendriticDrives = ParseLeverValues(Lever.DendriticDrive, parseResult.GetRequiredValue(dendritic)),
                Couplings = ParseLeverValues(Lever.Coupling, parseResult.GetRequiredValue(coupling)),
                SomStrengths = ParseLeverValues(Lever.SomStrength, parseResult.GetRequiredValue(som)),
                PvStrengths = ParseLeverValues(Lever.PvStrength, parseResult.GetRequiredValue(pv)),
                DurationMs = durationMs,
                SettleMs = settleMs,
                ContextDendriticDrivePa = parseResult.GetValue(context),
                CellsPerLevel = CheckRange("--cells-per-level", parseResult.GetValue(perLevel), 1, 100),
                SomaticNoisePa = CheckRange("--somatic-noise", parseResult.GetValue(somaNoise), 0, 2000),
                DendriticNoisePa = CheckRange("--dendritic-noise", parseResult.GetValue(dendNoise), 0, 2000),
            };
            var console = parseResult.InvocationConfiguration.Output;
            var panels = FiSweep.Run(settings, msg => console.WriteLine($"measuring f-I, {msg}"));
            string png = parseResult.GetRequiredValue(output).FullName;
            FiPlotter.Render(panels, png, w, h);
            string csv = Path.ChangeExtension(png, ".csv");
            FiPlotter.WriteCsv(panels, csv);
            foreach (var panel in panels)
            {
                foreach (var (value, curve) in panel.Curves)
                {
                    console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{panel.Name,-16} {value,6:G4}  rheobase {curve.RheobasePa,6:F0} pA  slope {curve.SlopeHzPerPa * 1000,6:F1} Hz/nA  bursts {curve.MeanBurstFraction:F2}"));
                }
            }
            console.WriteLine($"f-I figure written to {png} (numbers in {csv})");
            return ExitCodes.Ok;
        });
        return command;
    }

    // The sweep keeps dendritic drive within +-2000 pA: a plotting range, inside the lever's legal range.
    private const double MaxSweptDendriticDrivePa = 2000;

    /// <summary>"--dendritic-drive" for dendritic_drive: the option of a lever's values is its schema name, dashed.</summary>
    private static string OptionName(Lever lever) => "--" + LeverSchema.Name(lever).Replace('_', '-');

    /// <summary>Values a lever may take in the sweep: its legal range (<see cref="LeverSchema"/>), dendritic drive narrower.</summary>
    private static (double Min, double Max) SweepRange(Lever lever)
    {
        var info = LeverSchema.Get(lever);
        return lever == Lever.DendriticDrive
            ? (Math.Max(info.Min, -MaxSweptDendriticDrivePa), Math.Min(info.Max, MaxSweptDendriticDrivePa))
            : (info.Min, info.Max);
    }

    private static Option<string> LeverOption(Lever lever, string defaults)
    {
        var info = LeverSchema.Get(lever);
        var (min, max) = SweepRange(lever);
        string unit = info.Unit == "1" ? "" : info.Unit + ", ";
        return new Option<string>(OptionName(lever))
        {
            Description = string.Create(CultureInfo.InvariantCulture, $"Values of the {info.Name} lever ({unit}{min}..{max})."),
            DefaultValueFactory = _ => defaults,
        };
    }

    private static double[] ParseLeverValues(Lever lever, string text)
    {
        var (min, max) = SweepRange(lever);
        return ParseValues(OptionName(lever), text, min, max);
    }

    private static T CheckRange<T>(string option, T value, T min, T max)
        where T : System.Numerics.INumber<T>
        => value >= min && value <= max
            ? value
            : throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"option '{option}' is {value}; expected {min}..{max}"));

    private static double[] ParseValues(string option, string text, double min, double max)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is 0 or > 10)
        {
            throw new CliInputException($"option '{option}' is \"{text}\"; expected 1 to 10 comma-separated values");
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
