namespace ClosedLoop.Cli;

/// <summary>Entry point of the <c>closedloop</c> command.</summary>
internal static class Program
{
    private static int Main(string[] args) => CliApp.Run(args, Console.Out, Console.Error);
}
