using System.CommandLine;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop plot fi|raster ...</c>: PNG figures (ScottPlot, headless).</summary>
public static class PlotCommand
{
    /// <summary>Creates the command group.</summary>
    public static Command Create()
    {
        var command = new Command("plot", "Draw figures as PNG: f-I curves under each lever, or a spike raster.");
        command.Subcommands.Add(PlotFiCommand.Create());
        command.Subcommands.Add(PlotRasterCommand.Create());
        return command;
    }
}
