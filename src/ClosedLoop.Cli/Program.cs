namespace ClosedLoop.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("closedloop: commands are being wired (simulate, bench, plot, run, replay)");
        return args.Length == 0 ? 0 : 2;
    }
}
