using System.Diagnostics;
using System.Globalization;
using ClosedLoop.Core.Models;
using ClosedLoop.Population.LowRank;

namespace ClosedLoop.Benchmarks;

/// <summary>
/// The low-rank step timed by the process's CPU time, for a shared machine where BenchmarkDotNet's wall clock (and
/// its build) suffer from other load: a rank-2 network of each mechanism, 20,000 warm-up steps, then the given number
/// of steps; prints wall and CPU nanoseconds per step and the bytes allocated by the stepping thread.
/// Run: nice -n 10 dotnet run -c Release --project tools/ClosedLoop.Benchmarks -- lowrank-cpu [UNITS] [STEPS]
/// </summary>
internal static class LowRankCpuTime
{
    public static void Run(string[] args)
    {
        int units = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;
        int steps = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200_000;
        foreach (var mech in Enum.GetValues<NeMechanism>())
        {
            var p = PlantedNetworks.Random(units, 2, mech, seed: 1);
            var x0 = new double[units];
            for (int i = 0; i < units; i++) x0[i] = 0.5 * p.M[2 * i];
            var model = new LowRankRnnModel(p, NeBasis.Quadratic, x0);
            model.Prepare(0.1);
            model.SetReceptors(new ReceptorDrive(0.5f, 0.3f, 0.2f));
            for (int i = 0; i < 20_000; i++) model.Step();
            using var proc = Process.GetCurrentProcess();
            TimeSpan cpu0 = proc.TotalProcessorTime;
            long alloc0 = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++) model.Step();
            long t1 = Stopwatch.GetTimestamp();
            long alloc = GC.GetAllocatedBytesForCurrentThread() - alloc0;
            proc.Refresh();
            double cpuNs = (proc.TotalProcessorTime - cpu0).TotalMilliseconds * 1e6 / steps;
            double wallNs = Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds * 1e6 / steps;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{LowRankFile.MechanismName(mech),-13} {units} units rank 2: CPU {cpuNs:F0} ns/step, wall {wallNs:F0} ns/step, allocated {alloc} B over {steps} steps"));
        }
    }
}
