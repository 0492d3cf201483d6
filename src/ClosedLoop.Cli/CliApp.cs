using System.CommandLine;
using System.CommandLine.Help;
using ClosedLoop.Cli.Commands;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Cli;

/// <summary>
/// Composition root of the <c>closedloop</c> command line. Each command lives in its own file under
/// <c>Commands/</c> and exposes a static <c>Create()</c> factory; registering a new one is one line in
/// <see cref="CreateRootCommand"/>.
/// </summary>
public static class CliApp
{
    /// <summary>Builds the root command with every subcommand registered.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("ClosedLoop: real-time closed-loop neuromodulated microcircuit controller.");
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(PlotCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(LatencyCommand.Create());
        root.Subcommands.Add(AnalyzeCommand.Create());
        root.Subcommands.Add(KeygenCommand.Create());
        root.Subcommands.Add(FitCommand.Create());
        root.Subcommands.Add(HilCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());

        // A bare `closedloop` runs the loop on its embedded defaults (see Run); options alone print help.
        root.SetAction(parseResult => new HelpAction().Invoke(parseResult));
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>, writing normal output to <paramref name="output"/> and
    /// diagnostics to <paramref name="error"/>. Returns the process exit code (see <see cref="ExitCodes"/>).
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = CreateRootCommand();
        if (args.Length == 0)
        {
            args = ["run"];
        }
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                error.WriteLine($"closedloop: {parseError.Message}");
            }
            error.WriteLine("closedloop: run 'closedloop --help' for usage");
            return ExitCodes.BadInput;
        }
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return parseResult.Invoke(config);
        }
        catch (Exception ex) when (ex is CliInputException or ConfigException)
        {
            error.WriteLine($"closedloop: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (IOException ex)
        {
            // Expected operational failure (disk full, path not writable): a message, not a stack trace.
            error.WriteLine($"closedloop: I/O error: {ex.Message}");
            return ExitCodes.Failure;
        }
    }
}
