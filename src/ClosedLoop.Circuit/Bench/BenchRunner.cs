using System.Diagnostics;
using ClosedLoop.Circuit;
using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Bench;

/// <summary>
/// Measures the default microcircuit's throughput on the calling thread (single-threaded: the engine steps
/// on the caller's thread and this runner starts no other thread).
/// </summary>
public static class BenchRunner
{
    /// <summary>Simulated warm-up before timing (JIT tiering, initial transient), ms.</summary>
    public const double WarmupMs = 100;

    /// <summary>
    /// Steps a small default circuit for at least <paramref name="wallSeconds"/> of wall time so that the
    /// JIT has replaced the step code's tier-0 versions by optimised ones (tiering promotes hot methods
    /// from a background thread after a delay; without this the first size measured runs partly
    /// unoptimised code and looks several times slower). Code is shared by all circuit instances.
    /// </summary>
    public static void WarmUpJit(double wallSeconds = 1.5)
    {
        var circuit = MicrocircuitBuilder.Build(DefaultMicrocircuit.Create(400, 1, 0.1));
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < wallSeconds)
        {
            for (int i = 0; i < 100; i++)
            {
                circuit.Step();
            }
        }
    }

    /// <summary>Builds DefaultMicrocircuit(<paramref name="cells"/>) and times <paramref name="seconds"/> of simulated time after a warm-up.</summary>
    public static BenchResult Measure(int cells, double dtMs, double seconds, int seed = 1)
    {
        var buildClock = Stopwatch.StartNew();
        var circuit = MicrocircuitBuilder.Build(DefaultMicrocircuit.Create(cells, seed, dtMs));
        double build = buildClock.Elapsed.TotalSeconds;
        return Measure(circuit, seconds, build);
    }

    /// <summary>Timed segments per probe of the real-time search; the fastest counts (interference only slows a run down).</summary>
    public const int ProbeRepeats = 3;

    /// <summary>
    /// Builds the network once and times <paramref name="repeats"/> consecutive segments of
    /// <paramref name="seconds"/> (each after its own warm-up); returns the fastest by wall or CPU time.
    /// </summary>
    public static BenchResult MeasureBest(int cells, double dtMs, double seconds, int repeats, bool byCpuTime, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var buildClock = Stopwatch.StartNew();
        var circuit = MicrocircuitBuilder.Build(DefaultMicrocircuit.Create(cells, seed, dtMs));
        double build = buildClock.Elapsed.TotalSeconds;
        BenchResult? best = null;
        for (int i = 0; i < repeats; i++)
        {
            var r = Measure(circuit, seconds, build);
            if (best is null || (byCpuTime ? r.CpuSeconds < best.CpuSeconds : r.WallSeconds < best.WallSeconds))
            {
                best = r;
            }
        }
        return best!;
    }

    /// <summary>Times <paramref name="seconds"/> of simulated time on an already built circuit.</summary>
    public static BenchResult Measure(ISpikingCircuit circuit, double seconds, double buildSeconds)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        double dtMs = circuit.DtMs;
        long warmup = (long)Math.Round(WarmupMs / dtMs);
        for (long k = 0; k < warmup; k++)
        {
            circuit.Step();
        }
        long steps = Math.Max(1, (long)Math.Round(seconds * 1000.0 / dtMs));
        long events = 0, spikes = 0;
        double cpuStart = ThreadCpuClock.Now();
        long start = Stopwatch.GetTimestamp();
        for (long k = 0; k < steps; k++)
        {
            circuit.Step();
            events += circuit.SynapticEventsLastStep;
            spikes += circuit.SpikedLastStep.Length;
        }
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        double cpu = ThreadCpuClock.Now() - cpuStart;
        return new BenchResult(circuit.NeuronCount, circuit.SynapseCount, dtMs, steps * dtMs / 1000.0, wall, events, spikes, buildSeconds)
        {
            CpuSeconds = cpu,
        };
    }

    /// <summary>
    /// Largest network size that still runs at least in real time: <see cref="FindLargest"/> over
    /// probes of <paramref name="probeSeconds"/> simulated seconds each (reported to <paramref name="onProbe"/>).
    /// A probe keeps up when its real-time factor is at least 1: by wall time, or with
    /// <paramref name="byCpuTime"/> by the stepping thread's CPU time (for a machine shared with other load).
    /// </summary>
    public static int FindRealTimeLimit(double dtMs, double probeSeconds, int startCells, int maxCells, double relativePrecision, bool byCpuTime, Action<BenchResult>? onProbe)
        => FindLargest(
            n =>
            {
                var r = MeasureBest(n, dtMs, probeSeconds, ProbeRepeats, byCpuTime);
                onProbe?.Invoke(r);
                return (byCpuTime ? r.CpuRealTimeFactor : r.RealTimeFactor) >= 1;
            },
            startCells,
            maxCells,
            relativePrecision);

    /// <summary>
    /// Largest n for which <paramref name="passes"/> holds, assuming it holds up to some size and fails above:
    /// doubles from <paramref name="start"/> until it fails (or passes <paramref name="max"/>), then bisects
    /// between the last passing and the first failing size until they are within
    /// <paramref name="relativePrecision"/> of each other. Returns 0 when <paramref name="start"/> fails.
    /// </summary>
    public static int FindLargest(Func<int, bool> passes, int start, int max, double relativePrecision)
    {
        ArgumentNullException.ThrowIfNull(passes);
        ArgumentOutOfRangeException.ThrowIfLessThan(start, 1);
        int lo = 0, hi = 0;
        for (long n = start; ; n *= 2)
        {
            if (n > max)
            {
                return lo;
            }
            if (passes((int)n))
            {
                lo = (int)n;
            }
            else
            {
                hi = (int)n;
                break;
            }
        }
        if (lo == 0)
        {
            return 0;
        }
        while (hi - lo > Math.Max(1, relativePrecision * lo))
        {
            int mid = lo + ((hi - lo) / 2);
            if (passes(mid))
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
