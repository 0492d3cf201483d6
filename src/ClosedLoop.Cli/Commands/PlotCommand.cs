using System.CommandLine;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop plot fi|raster|gain-arousal ...</c>: PNG figures (ScottPlot, headless).</summary>
public static class PlotCommand
{
    /// <summary>Creates the command group.</summary>
    public static Command Create()
    {
        var command = new Command("plot", "Draw figures as PNG: f-I curves under each lever, a spike raster, or network gain over arousal.");
        command.Subcommands.Add(PlotFiCommand.Create());
        command.Subcommands.Add(PlotRasterCommand.Create());
        command.Subcommands.Add(PlotGainArousalCommand.Create());
        command.Subcommands.Add(PlotRecordingCommand.Create());
        return command;
    }
}
