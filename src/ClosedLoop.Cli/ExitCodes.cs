namespace ClosedLoop.Cli;

/// <summary>Process exit codes of <c>closedloop</c>.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The command ran and failed (I/O error, simulation fault).</summary>
    public const int Failure = 1;

    /// <summary>Bad input: unknown option, malformed or invalid scenario file, missing file. Message on stderr.</summary>
    public const int BadInput = 2;
}
