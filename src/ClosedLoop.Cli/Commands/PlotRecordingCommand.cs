using System.CommandLine;
using System.Globalization;
using ClosedLoop.Cli.Export;
using ClosedLoop.Cli.Plotting;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Export;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop plot recording FILE [--out PNG] [--from S] [--to S]</c>: the session at a glance (arousal, levers,
/// readout rates, gain, outputs against their limits, governor interventions and not-armed spans marked) as one PNG.
/// A file that is not a recording is an error (exit 2); a damaged one is drawn from what could be read, with the
/// damage on stderr and exit code 3.
/// </summary>
public static class PlotRecordingCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var file = new Argument<FileInfo>("recording") { Description = "A recording written by `closedloop run` (.cllog)." };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "PNG to write (default: RECORDING.png)." };
        var from = new Option<double>("--from") { Description = "Start of the window, s since step 0.", DefaultValueFactory = _ => 0 };
        var to = new Option<double>("--to") { Description = "End of the window, s since step 0 (default: the end).", DefaultValueFactory = _ => double.PositiveInfinity };
        var width = new Option<int>("--width") { Description = "Image width, px.", DefaultValueFactory = _ => 1400 };
        var height = new Option<int>("--height") { Description = "Image height, px.", DefaultValueFactory = _ => 1500 };
        var command = new Command("recording", "A session at a glance: arousal, levers, readouts, outputs against limits, governor interventions (PNG).")
        {
            file, output, from, to, width, height,
        };
        command.SetAction(async (parse, token) =>
        {
            var recording = parse.GetRequiredValue(file);
            if (!recording.Exists)
            {
                throw new CliInputException($"recording '{recording.FullName}' does not exist");
            }
            double fromS = parse.GetValue(from), toS = parse.GetValue(to);
            if (!(toS > fromS) || fromS < 0)
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"options '--from {fromS}' and '--to {toS}': expected 0 <= from < to (seconds since step 0)"));
            }
            var (w, h) = PlotSize.Check(parse.GetValue(width), parse.GetValue(height));
            string png = parse.GetValue(output)?.FullName ?? recording.FullName + ".png";
            var sink = new MemoryTableSink();
            RecordingExportInfo info;
            try
            {
                info = await RecordingExporter.RunAsync(recording.FullName, sink, RecordedChannels.FromConfig, cancellationToken: token).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                throw new CliInputException($"{recording.FullName}: {ex.Message}");
            }
            var error = parse.InvocationConfiguration.Error;
            foreach (RecordingDamage d in info.Damage)
            {
                error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"closedloop: {recording.Name} is damaged: {d.Kind} at offset {d.Offset}, {d.Length} bytes ({d.Reason}); plotting what could be read"));
            }
            if (sink.Rows("steps") == 0)
            {
                throw new CliInputException($"{recording.FullName}: no loop steps recorded (nothing to plot)");
            }
            var summary = RecordingPlotter.Render(sink, recording.Name, png, fromS, toS, w, h);
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"recording plot of {summary.Steps} steps ({summary.FromSeconds:0.###}..{summary.ToSeconds:0.###} s, {summary.Interventions} governor interventions) written to {png}"));
            return info.Damage.Count > 0 ? 3 : ExitCodes.Ok;
        });
        return command;
    }
}
