using System.Diagnostics.CodeAnalysis;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Cli;

/// <summary>
/// Bad command-line usage: an option value out of range, a file argument that does not exist, a data file
/// (spikes.csv for <c>plot raster</c>) that is not what the command reads. The message names the option or file,
/// the value and what was expected; <see cref="CliApp.Run"/> prints it on stderr and exits with
/// <see cref="ExitCodes.BadInput"/>. A bad rig config or scenario is a <see cref="Core.Configuration.ConfigException"/>
/// instead (thrown by the parsers outside the CLI) and ends the same way.
/// </summary>
public sealed class CliInputException : Exception
{
    public CliInputException(string message)
        : base(message)
    {
    }

    public CliInputException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public CliInputException()
    {
    }

    /// <summary>Throws a <see cref="CliInputException"/> (kept out of line so callers stay lean).</summary>
    [DoesNotReturn]
    public static void Throw(string message) => throw new CliInputException(message);
}
