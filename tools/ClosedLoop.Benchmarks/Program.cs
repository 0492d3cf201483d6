using BenchmarkDotNet.Running;

namespace ClosedLoop.Benchmarks;

internal static class Program
{
    private static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "lowrank-cpu")
        {
            LowRankCpuTime.Run(args);
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
