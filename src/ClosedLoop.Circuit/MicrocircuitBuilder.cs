using System.Diagnostics.CodeAnalysis;
using ClosedLoop.Circuit.Cells;
using ClosedLoop.Circuit.Engine;
using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit;

/// <summary>Turns a <see cref="CircuitSpec"/> into a running circuit (validation, connectivity, buffers).</summary>
public static class MicrocircuitBuilder
{
    /// <summary>
    /// Validate <paramref name="spec"/> and build the circuit, prepared for spec.DtMs. Deterministic for a
    /// given spec (seed included). Throws <see cref="ArgumentException"/> naming the offending item.
    /// </summary>
    public static ISpikingCircuit Build(CircuitSpec spec) => BuildMicrocircuit(spec);

    /// <summary>As <see cref="Build"/>, returning the concrete engine (extra test and analysis members).</summary>
    public static Microcircuit BuildMicrocircuit(CircuitSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!(spec.DtMs > 0) || !double.IsFinite(spec.DtMs)) Fail($"DtMs = {spec.DtMs}; expected a positive finite step");
        if (spec.Populations.Count == 0) Fail("a circuit needs at least one population");
        if (!spec.Levers.TryValidate(out string? leverError)) Fail(leverError!);

        var groups = new CellGroup[spec.Populations.Count];
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        int offset = 0;
        for (int k = 0; k < groups.Length; k++)
        {
            var p = spec.Populations[k];
            if (string.IsNullOrWhiteSpace(p.Name)) Fail($"population {k} has no name");
            if (!byName.TryAdd(p.Name, k)) Fail($"population name '{p.Name}' is used twice");
            if (p.Count < 1) Fail($"population '{p.Name}' has Count = {p.Count}; expected at least 1");
            var range = new PopulationRange(p.Name, p.Type, offset, p.Count);
            groups[k] = MakeGroup(p, range, spec);
            offset = checked(offset + p.Count);
        }

        var projections = new ProjectionData[spec.Projections.Count];
        for (int k = 0; k < projections.Length; k++)
        {
            var pr = spec.Projections[k];
            if (!byName.TryGetValue(pr.From, out int src)) Fail($"projection {k}: unknown source population '{pr.From}'");
            if (!byName.TryGetValue(pr.To, out int tgt)) Fail($"projection {k}: unknown target population '{pr.To}'");
            if (!(pr.Weight >= 0) || !double.IsFinite(pr.Weight)) Fail($"projection {k}: Weight = {pr.Weight}; expected finite and >= 0 (nS)");
            if (!(pr.Sd > 0)) Fail($"projection {k}: Sd = {pr.Sd}; expected > 0 (infinity = uniform)");
            if (pr.WeightFromKernel && double.IsPositiveInfinity(pr.Sd)) Fail($"projection {k}: WeightFromKernel needs a finite Sd");
            if (!(pr.FanIn >= 0) || !double.IsFinite(pr.FanIn)) Fail($"projection {k}: FanIn = {pr.FanIn}; expected finite and >= 0");
            if (!(pr.DelayMs >= 0) || !double.IsFinite(pr.DelayMs)) Fail($"projection {k}: DelayMs = {pr.DelayMs}; expected finite and >= 0");
            if (pr.Target == Compartment.Dendrite && groups[tgt].Kind != KernelKind.Pyramidal)
            {
                Fail($"projection {k}: target '{pr.To}' has no dendrite (only L5Pyramidal cells do)");
            }
            if (pr.HasOwnConstants)
            {
                if (pr.Receptor == Receptor.Nmda) Fail($"projection {k}: its own tau or reversal applies to ampa and gaba_a projections, not nmda (voltage-gated)");
                if (groups[tgt].Kind != KernelKind.Biophysical2007 || pr.Target != Compartment.Soma)
                {
                    Fail($"projection {k}: its own tau or reversal applies to the soma of Izhikevich 2007 cells (izhikevich2007, som, pv); '{pr.To}' is not one");
                }
                if (pr.TauMs is { } tau && !(tau > 0 && double.IsFinite(tau))) Fail($"projection {k}: TauMs = {tau}; expected a finite time constant > 0 ms");
                if (pr.ReversalMv is { } e && !double.IsFinite(e)) Fail($"projection {k}: ReversalMv = {e}; expected a finite potential, mV");
            }
            var scale = groups[src].Range.Type switch
            {
                CellType.Som => SourceScale.Som,
                CellType.Pv => SourceScale.Pv,
                _ => SourceScale.None,
            };
            projections[k] = ConnectivityBuilder.Build(pr, groups[src].Range, groups[tgt].Range, spec.Topology, spec.Seed, k, scale);
        }

        var drives = new DriveData[spec.Drives.Count];
        for (int k = 0; k < drives.Length; k++)
        {
            var d = spec.Drives[k];
            if (!byName.TryGetValue(d.Population, out int pop)) Fail($"drive {k}: unknown population '{d.Population}'");
            if (d.Target == Compartment.Dendrite && groups[pop].Kind != KernelKind.Pyramidal) Fail($"drive {k}: '{d.Population}' has no dendrite");
            if (!double.IsFinite(d.Amplitude)) Fail($"drive {k}: Amplitude must be finite");
            if (d.Kind == DriveKind.Poisson && (!(d.RateHz >= 0) || !double.IsFinite(d.RateHz))) Fail($"drive {k}: RateHz = {d.RateHz}; expected finite and >= 0");
            if (d.Kind == DriveKind.OrnsteinUhlenbeck && (!(d.TauMs > 0) || !(d.Sigma >= 0))) Fail($"drive {k}: OU needs TauMs > 0 and Sigma >= 0");
            drives[k] = new DriveData { Spec = d, Range = groups[pop].Range, StreamIndex = k };
        }

        return Microcircuit.Create(spec, groups, projections, drives);
    }

    private static CellGroup MakeGroup(PopulationSpec p, PopulationRange range, CircuitSpec spec)
    {
        if (p.Type != CellType.Izhikevich2007 && (p.Parameters is not null || p.ThresholdHalfWidthMv != 0))
        {
            Fail($"population '{p.Name}': explicit parameters and threshold heterogeneity apply only to Izhikevich2007 cells");
        }
        switch (p.Type)
        {
            case CellType.L5Pyramidal:
                return CellGroup.FromPyramidal(range, spec.Pyramidal);
            case CellType.Som:
                return CellGroup.From2007(range, Izhikevich2007Parameters.Som, 1);
            case CellType.Pv:
                return CellGroup.From2007(range, Izhikevich2007Parameters.Pv, 2);
            case CellType.Izhikevich2003:
                if (!Izhikevich2003Parameters.TryGetPreset(p.Preset, out var p3)) Fail($"population '{p.Name}': unknown 2003 preset '{p.Preset}' (RS, IB, CH, FS, LTS, TC, RZ)");
                return CellGroup.From2003(range, p3);
            case CellType.Izhikevich2007:
                Izhikevich2007Parameters p7;
                if (p.Parameters is { } explicitParameters) p7 = explicitParameters;
                else if (!Izhikevich2007Parameters.TryGetPreset(p.Preset, out p7)) Fail($"population '{p.Name}': unknown 2007 preset '{p.Preset}' (RS, IB, CH, FS, LTS)");
                if (!(p.ThresholdHalfWidthMv >= 0) || !double.IsFinite(p.ThresholdHalfWidthMv)) Fail($"population '{p.Name}': ThresholdHalfWidthMv = {p.ThresholdHalfWidthMv}; expected finite and >= 0");
                var g7 = CellGroup.From2007(range, p7, 0);
                g7.ThresholdHalfWidth = p.ThresholdHalfWidthMv;
                return g7;
            default:
                Fail($"population '{p.Name}': unknown cell type {p.Type}");
                return null;
        }
    }

    [DoesNotReturn]
    private static void Fail(string message) => throw new ArgumentException(message);
}
