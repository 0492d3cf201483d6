using System.Globalization;
using ClosedLoop.Circuit.Bench;

namespace ClosedLoop.Cli.Output;

/// <summary>Prints bench results as an aligned table or as CSV.</summary>
internal sealed class BenchTable(TextWriter output, bool csv)
{
    public void WriteHeader()
    {
        output.WriteLine(csv
            ? "cells,synapses,dt_ms,sim_s,wall_s,wall_per_sim_s,cpu_per_sim_s,neuron_updates_per_s,syn_events_per_s,real_time_factor,mean_rate_hz,build_s"
            : "    cells     synapses  wall s / sim s  cpu s / sim s  neuron upd/s   syn events/s  real-time x  rate Hz  build s");
    }

    public void WriteRow(BenchResult r)
    {
        var ci = CultureInfo.InvariantCulture;
        output.WriteLine(csv
            ? string.Create(ci, $"{r.Cells},{r.Synapses},{r.DtMs},{r.SimulatedSeconds},{r.WallSeconds:G6},{r.WallPerSimulatedSecond:G6},{r.CpuPerSimulatedSecond:G6},{r.NeuronUpdatesPerSecond:E3},{r.SynapticEventsPerSecond:E3},{r.RealTimeFactor:F3},{r.MeanRateHz:F2},{r.BuildSeconds:F3}")
            : string.Create(ci, $"{r.Cells,9} {r.Synapses,12} {r.WallPerSimulatedSecond,15:F3} {r.CpuPerSimulatedSecond,14:F3} {r.NeuronUpdatesPerSecond,13:E2} {r.SynapticEventsPerSecond,14:E2} {r.RealTimeFactor,12:F2} {r.MeanRateHz,8:F2} {r.BuildSeconds,8:F2}"));
    }
}
