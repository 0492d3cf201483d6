using System.CommandLine;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop plot fi</c>: f-I curves of pyramidal cells under each lever.</summary>
public static class PlotFiCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("fi", "f-I curves of L5 pyramidal cells under each lever (dendritic drive, coupling, SOM and PV strength).");
        return command;
    }
}
