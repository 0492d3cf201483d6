using System.CommandLine;
using ClosedLoop.Cli.Plotting;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop plot raster SPIKES.csv [--out raster.png] [--from MS] [--to MS]</c>.</summary>
public static class PlotRasterCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var spikes = new Argument<FileInfo>("spikes") { Description = "spikes.csv written by 'closedloop simulate' (t_ms,neuron)." };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "PNG to write (default: raster.png next to the spike file)." };
        var from = new Option<double>("--from") { Description = "Start of the window, ms.", DefaultValueFactory = _ => 0 };
        var to = new Option<double>("--to") { Description = "End of the window, ms (default: everything).", DefaultValueFactory = _ => double.PositiveInfinity };
        var width = new Option<int>("--width") { Description = "Image width, px.", DefaultValueFactory = _ => 1200 };
        var height = new Option<int>("--height") { Description = "Image height, px.", DefaultValueFactory = _ => 700 };
        var command = new Command("raster", "Spike raster (time against neuron index) from a spikes.csv file.")
        {
            spikes, output, from, to, width, height,
        };
        command.SetAction(parseResult =>
        {
            var spikeFile = parseResult.GetRequiredValue(spikes);
            string png = parseResult.GetValue(output)?.FullName
                ?? Path.Combine(spikeFile.DirectoryName ?? ".", "raster.png");
            var (w, h) = PlotSize.Check(parseResult.GetValue(width), parseResult.GetValue(height));
            double fromMs = parseResult.GetValue(from), toMs = parseResult.GetValue(to);
            if (!(toMs > fromMs))
            {
                throw new CliInputException($"option '--to' is {toMs}; expected a time after --from ({fromMs} ms)");
            }
            int drawn = RasterPlotter.Render(spikeFile.FullName, png, fromMs, toMs, w, h);
            parseResult.InvocationConfiguration.Output.WriteLine($"raster of {drawn} spikes written to {png}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
