using System.Text.Json;
using ClosedLoop.Circuit;
using ClosedLoop.Circuit.Cells;
using ClosedLoop.Circuit.Engine;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Core.Levers;

namespace ClosedLoop.Circuit.Bench;

/// <summary>
/// Writes a built network as JSON (format "closedloop-network/1") so that another simulator can rebuild
/// exactly the same cells, synapses and drives: scripts/bench_vs_brian2.py reads it. Contents: step, seed,
/// synaptic constants, levers, populations (global offset, count, cell parameters), every projection with
/// its receptor, target compartment, delay in steps, source scaling lever and the synapse list (pre and post
/// as global neuron indices, weight in nS), and the drives. Units: mV, ms, pF, pA, nS.
/// </summary>
public static class NetworkExporter
{
    /// <summary>Builds DefaultMicrocircuit(<paramref name="cells"/>, <paramref name="seed"/>, <paramref name="dtMs"/>) and writes it to <paramref name="path"/>.</summary>
    public static void Export(int cells, int seed, double dtMs, string path)
    {
        var spec = DefaultMicrocircuit.Create(cells, seed, dtMs);
        var circuit = MicrocircuitBuilder.BuildMicrocircuit(spec);
        using var stream = File.Create(path);
        Write(circuit, stream);
    }

    /// <summary>Writes <paramref name="circuit"/> (its spec and realised synapses) to <paramref name="stream"/>.</summary>
    public static void Write(Microcircuit circuit, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        var spec = circuit.Spec;
        int own = spec.Projections.ToList().FindIndex(p => p.HasOwnConstants);
        if (own >= 0)
        {
            // The format carries one set of receptor constants; a projection with its own would be rebuilt wrongly.
            throw new NotSupportedException($"projection {own} has its own tau or reversal potential, which closedloop-network/1 cannot carry");
        }
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        w.WriteStartObject();
        w.WriteString("format", "closedloop-network/1");
        w.WriteNumber("dt_ms", spec.DtMs);
        w.WriteNumber("seed", spec.Seed);
        w.WriteNumber("cells", circuit.NeuronCount);
        w.WriteNumber("synapses", circuit.SynapseCount);
        w.WriteNumber("initial_v_jitter_mv", spec.InitialVJitterMv);
        w.WriteStartObject("constants");
        w.WriteNumber("e_exc_mv", Microcircuit.EExc);
        w.WriteNumber("e_inh_mv", Microcircuit.EInh);
        w.WriteNumber("tau_ampa_ms", Microcircuit.TauAmpa);
        w.WriteNumber("tau_nmda_ms", Microcircuit.TauNmda);
        w.WriteNumber("tau_gaba_ms", Microcircuit.TauGaba);
        w.WriteEndObject();
        var levers = spec.Levers;
        w.WriteStartObject("levers");
        foreach (var info in LeverSchema.All)
        {
            w.WriteNumber(info.Name, levers[info.Lever]);
        }
        w.WriteEndObject();

        w.WriteStartArray("populations");
        for (int k = 0; k < circuit.Populations.Count; k++)
        {
            var range = circuit.Populations[k];
            w.WriteStartObject();
            w.WriteString("name", range.Name);
            w.WriteString("type", range.Type.ToString());
            w.WriteNumber("offset", range.Offset);
            w.WriteNumber("count", range.Count);
            WriteCellParameters(w, spec, spec.Populations[k]);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("projections");
        for (int p = 0; p < spec.Projections.Count; p++)
        {
            var pr = spec.Projections[p];
            var sourceType = spec.Populations.First(x => x.Name == pr.From).Type;
            w.WriteStartObject();
            w.WriteString("from", pr.From);
            w.WriteString("to", pr.To);
            w.WriteString("receptor", pr.Receptor.ToString());
            w.WriteString("target", pr.Target.ToString());
            w.WriteNumber("delay_steps", Math.Max(1, (int)Math.Round(pr.DelayMs / spec.DtMs)));
            w.WriteString("scale_lever", sourceType switch { CellType.Som => LeverSchema.Name(Lever.SomStrength), CellType.Pv => LeverSchema.Name(Lever.PvStrength), _ => "none" });
            w.WriteString("plasticity", pr.Plasticity.ToString());
            int n = circuit.GetProjectionSynapseCount(p);
            w.WriteNumber("count", n);
            w.WriteStartArray("pre");
            for (int s = 0; s < n; s++)
            {
                w.WriteNumberValue(circuit.GetSynapse(p, s).Source);
            }
            w.WriteEndArray();
            w.WriteStartArray("post");
            for (int s = 0; s < n; s++)
            {
                w.WriteNumberValue(circuit.GetSynapse(p, s).Target);
            }
            w.WriteEndArray();
            w.WriteStartArray("weight_ns");
            for (int s = 0; s < n; s++)
            {
                w.WriteNumberValue(circuit.GetWeight(p, s));
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("drives");
        foreach (var d in spec.Drives)
        {
            w.WriteStartObject();
            w.WriteString("population", d.Population);
            w.WriteString("kind", d.Kind.ToString());
            w.WriteString("target", d.Target.ToString());
            w.WriteNumber("amplitude", d.Amplitude);
            w.WriteNumber("rate_hz", d.RateHz);
            w.WriteNumber("sigma", d.Sigma);
            w.WriteNumber("tau_ms", d.TauMs);
            w.WriteNumber("start_ms", d.StartMs);
            if (double.IsFinite(d.StopMs))
            {
                w.WriteNumber("stop_ms", d.StopMs);
            }
            else
            {
                w.WriteNull("stop_ms");
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteCellParameters(Utf8JsonWriter w, CircuitSpec spec, PopulationSpec population)
    {
        w.WriteStartObject("params");
        switch (population.Type)
        {
            case CellType.L5Pyramidal:
            {
                var p = spec.Pyramidal;
                w.WriteString("kernel", "pyramidal");
                WriteSoma(w, p.Soma);
                w.WriteNumber("burst_c", p.BurstC);
                w.WriteNumber("burst_d", p.BurstD);
                w.WriteNumber("c_d", p.CD);
                w.WriteNumber("e_l", p.EL);
                w.WriteNumber("k_d", p.KD);
                w.WriteNumber("p_d", p.PD);
                w.WriteNumber("l_d", p.LD);
                w.WriteNumber("a_d", p.AD);
                w.WriteNumber("b_d", p.BD);
                w.WriteNumber("e_d", p.ED);
                w.WriteNumber("d_d", p.DD);
                w.WriteNumber("ca_threshold", p.CalciumSpikeThreshold);
                w.WriteNumber("bap_start_ms", p.BapStartMs);
                w.WriteNumber("bap_end_ms", p.BapEndMs);
                break;
            }
            case CellType.Izhikevich2003:
            {
                var p = population.Preset switch
                {
                    "IB" => Izhikevich2003Parameters.IntrinsicallyBursting,
                    "CH" => Izhikevich2003Parameters.Chattering,
                    "FS" => Izhikevich2003Parameters.FastSpiking,
                    "LTS" => Izhikevich2003Parameters.LowThresholdSpiking,
                    "TC" => Izhikevich2003Parameters.ThalamoCortical,
                    "RZ" => Izhikevich2003Parameters.Resonator,
                    _ => Izhikevich2003Parameters.RegularSpiking,
                };
                w.WriteString("kernel", "izhikevich2003");
                w.WriteNumber("a", p.A);
                w.WriteNumber("b", p.B);
                w.WriteNumber("c", p.C);
                w.WriteNumber("d", p.D);
                w.WriteNumber("v_peak", Izhikevich2003Parameters.VPeak);
                break;
            }
            default:
            {
                var p = population.Type switch
                {
                    CellType.Som => Izhikevich2007Parameters.Som,
                    CellType.Pv => Izhikevich2007Parameters.Pv,
                    _ => Izhikevich2007Parameters.TryGetPreset(population.Preset, out var preset) ? preset : Izhikevich2007Parameters.RegularSpiking,
                };
                w.WriteString("kernel", "izhikevich2007");
                WriteSoma(w, p);
                break;
            }
        }
        w.WriteEndObject();
    }

    private static void WriteSoma(Utf8JsonWriter w, Izhikevich2007Parameters p)
    {
        w.WriteNumber("C", p.C);
        w.WriteNumber("k", p.K);
        w.WriteNumber("v_r", p.VR);
        w.WriteNumber("v_t", p.VT);
        w.WriteNumber("v_peak", p.VPeak);
        w.WriteNumber("a", p.A);
        w.WriteNumber("b", p.B);
        w.WriteNumber("c", p.CReset);
        w.WriteNumber("d", p.D);
        w.WriteBoolean("cubic_u", p.CubicU);
        w.WriteNumber("v_b", p.VB);
        w.WriteNumber("peak_u", p.PeakU);
        w.WriteNumber("reset_u", p.ResetU);
        if (double.IsFinite(p.UMax))
        {
            w.WriteNumber("u_max", p.UMax);
        }
        else
        {
            w.WriteNull("u_max");
        }
    }
}
