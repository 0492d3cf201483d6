using System.Diagnostics;
using ClosedLoop.Circuit;

// Usage: SpeedProbe [cells=20000] [simulated seconds=1] [dt ms=0.1]
int cells = args.Length > 0 ? int.Parse(args[0]) : 20_000;
double seconds = args.Length > 1 ? double.Parse(args[1]) : 1.0;
double dt = args.Length > 2 ? double.Parse(args[2]) : 0.1;

var process = Process.GetCurrentProcess();
var sw = Stopwatch.StartNew();
var circuit = MicrocircuitBuilder.BuildMicrocircuit(DefaultMicrocircuit.Create(cells, 1, dt));
Console.WriteLine($"build: {sw.Elapsed.TotalSeconds:F2} s, {circuit.NeuronCount} cells, {circuit.SynapseCount} synapses ({circuit.SynapseCount / (double)cells:F1} per cell)");

circuit.Run(200); // warm-up: JIT tiering
int steps = (int)Math.Round(seconds * 1000 / dt);
long spikes = 0, events = 0;
var cpu0 = process.TotalProcessorTime;
sw.Restart();
for (int s = 0; s < steps; s++)
{
    circuit.Step();
    spikes += circuit.SpikedLastStep.Length;
    events += circuit.SynapticEventsLastStep;
}
double wall = sw.Elapsed.TotalSeconds;
process.Refresh();
double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
Console.WriteLine($"simulated {seconds} s at dt {dt} ms ({steps} steps): wall {wall:F2} s ({wall / seconds:F2} s per simulated s, {wall / steps * 1e6:F1} us per step), cpu {cpu:F2} s");
Console.WriteLine($"mean rate {spikes / (double)cells / seconds:F2} Hz over all cells, {events / seconds / 1e6:F1} M synaptic events per simulated s");
Console.WriteLine($"readout: pyr {circuit.Activity.PyramidalRateHz:F1} Hz, som {circuit.Activity.SomRateHz:F1} Hz, pv {circuit.Activity.PvRateHz:F1} Hz, burst fraction {circuit.Activity.BurstFraction:F2}, gain {circuit.Activity.Gain:F2}");
Console.WriteLine($"load average at end: {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a")} on {Environment.ProcessorCount} cores");
