using System.Diagnostics.CodeAnalysis;

namespace ClosedLoop.Cli;

/// <summary>
/// Bad user input (scenario file, option value, missing file). The message names the field, the value and
/// what was expected; <see cref="CliApp.Run"/> prints it on stderr and exits with <see cref="ExitCodes.BadInput"/>.
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
