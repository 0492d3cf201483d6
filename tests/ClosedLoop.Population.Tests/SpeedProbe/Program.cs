using System.Runtime.InteropServices;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Population.MeanField;
using ClosedLoop.Population.NeuralMass;

// Usage: SpeedProbe MODEL [steps per round=100000] [rounds=15] [part=step]
//   MODEL: mean-field-rs | mean-field-rs-fs | mean-field-rs-fs-lts | neural-mass-jansen-rit | neural-mass-ei
//   part (mean field only): step (the loop model's whole step), gain (the gain readout's Jacobian solve alone, at the
//   state after warm-up), derivatives (one right-hand side evaluation alone)
// The benchmark's setting (tools/ClosedLoop.Benchmarks, PopulationStepBenchmark): dt 0.05 ms, somatic drive 5 pA,
// 1 s of warm-up (20 000 steps), then rounds of loop steps timed by the thread's CPU clock
// (CLOCK_THREAD_CPUTIME_ID: what the thread itself ran, not the other tenants of a loaded machine). Prints the best
// and the median round in ns per step, the model's final readout, and the bytes the thread allocated in one round of steps.
// For instruction counts, run it under valgrind --tool=callgrind with 1 round of N and of 2 N steps (and
// DOTNET_TieredCompilation=0, so the stepped code is the optimised JIT from the start): the difference over N is
// the instructions of one step.
string name = args.Length > 0 ? args[0] : "mean-field-rs-fs-lts";
int steps = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
int rounds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 15;
string part = args.Length > 3 ? args[3] : "step";

IModel model = name switch
{
    "neural-mass-jansen-rit" => new SecondOrderNeuralMassModel(),
    "neural-mass-ei" => new NeuralMassModel(),
    _ when name.StartsWith("mean-field-", StringComparison.Ordinal) => MeanFieldModel.FromPreset(name["mean-field-".Length..]),
    _ => throw new ArgumentException($"unknown model '{name}'"),
};
model.Prepare(0.05);
var levers = LeverSet.Neutral;
levers.SomaticDrive = 5;
model.SetLevers(levers);
for (int i = 0; i < 20_000; i++)
{
    model.Step();
}
var meanField = model as MeanFieldModel;
double[] state = meanField is null ? [] : meanField.State.ToArray();
double[] dydt = new double[state.Length];
double sink = 0;
Action step = part switch
{
    "step" => model.Step,
    "gain" when meanField is not null => () => sink += meanField.System.RateGain(state, 0),
    "derivatives" when meanField is not null => () => meanField.System.Derivatives(state, dydt),
    _ => throw new ArgumentException($"unknown part '{part}' for {name}"),
};

// Allocation: one round with nothing but the steps between the two readings.
long allocated0 = GC.GetAllocatedBytesForCurrentThread();
for (int i = 0; i < steps; i++)
{
    step();
}
long allocated = GC.GetAllocatedBytesForCurrentThread() - allocated0;

var perStep = new double[rounds];
for (int r = 0; r < rounds; r++)
{
    long t0 = ThreadCpuNs();
    for (int i = 0; i < steps; i++)
    {
        step();
    }
    perStep[r] = (ThreadCpuNs() - t0) / (double)steps;
}
Array.Sort(perStep);
var readout = model.Readout;
// A fingerprint of the final state's bits (mean field) and of the readout: equal fingerprints, equal trajectories.
ulong fingerprint = 14695981039346656037UL;
foreach (double x in meanField is null ? [] : meanField.State.ToArray())
{
    fingerprint = (fingerprint ^ (ulong)BitConverter.DoubleToInt64Bits(x)) * 1099511628211UL;
}
fingerprint = (fingerprint ^ (ulong)BitConverter.DoubleToInt64Bits(sink)) * 1099511628211UL;
for (int i = 0; i < readout.Count; i++)
{
    fingerprint = (fingerprint ^ BitConverter.SingleToUInt32Bits(readout.Values[i])) * 1099511628211UL;
}
Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
    $"{name} {part}: {rounds} rounds of {steps} steps, thread CPU per step best {perStep[0]:F1} ns, median {perStep[rounds / 2]:F1} ns; " +
    $"{allocated} bytes allocated in {steps} steps; readout[0] = {readout.Values[0]:G9}, last = {readout.Values[readout.Count - 1]:G9}; {sink:G3}; fingerprint {fingerprint:x16}"));

static long ThreadCpuNs() => Native.ThreadCpuNs();

internal static partial class Native
{
    private const int ClockThreadCpuTimeId = 3;

    public static long ThreadCpuNs()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out var ts) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }
        return ts.Seconds * 1_000_000_000L + ts.Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec ts);
}

// Filled by clock_gettime (the compiler sees no assignment).
#pragma warning disable CS0649
[StructLayout(LayoutKind.Sequential)]
internal struct TimeSpec
{
    public long Seconds;
    public long Nanoseconds;
}
#pragma warning restore CS0649
