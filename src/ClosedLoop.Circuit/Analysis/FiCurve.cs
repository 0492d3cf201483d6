using ClosedLoop.Circuit.Engine;
using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Analysis;

/// <summary>
/// Measures somatic f-I curves of the L5 pyramidal cell with the network engine itself (one circuit holding
/// one isolated pyramidal cell per current level plus the optional interneurons of <see cref="FiProtocol"/>).
/// Deterministic. Cost: (SettleMs + DurationMs) / DtMs steps of a circuit of a few dozen cells.
/// </summary>
public static class FiCurve
{
    /// <summary>Measure the curve at every current of <paramref name="protocol"/>.</summary>
    public static FiCurveResult Measure(FiProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        return Measure(protocol, protocol.CurrentsPa);
    }

    /// <summary>
    /// Rheobase by bisection to <paramref name="tolerancePa"/>: the smallest current with a rate above
    /// <see cref="FiCurveResult.FiringThresholdHz"/>. Needs <paramref name="lowPa"/> silent and
    /// <paramref name="highPa"/> firing (else NaN). Evaluates 8 currents per round.
    /// </summary>
    public static double Rheobase(FiProtocol protocol, double lowPa, double highPa, double tolerancePa = 2.0)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        const int perRound = 8;
        var probe = new double[perRound];
        var first = Measure(protocol, [lowPa, highPa]).Points;
        if (first[0].RateHz > FiCurveResult.FiringThresholdHz || first[1].RateHz <= FiCurveResult.FiringThresholdHz) return double.NaN;
        while (highPa - lowPa > tolerancePa)
        {
            for (int i = 0; i < perRound; i++) probe[i] = lowPa + (highPa - lowPa) * (i + 1) / (perRound + 1);
            var pts = Measure(protocol, probe).Points;
            double newLow = lowPa, newHigh = highPa;
            for (int i = perRound - 1; i >= 0; i--)
            {
                if (pts[i].RateHz > FiCurveResult.FiringThresholdHz) newHigh = pts[i].CurrentPa;
                else { newLow = pts[i].CurrentPa; break; }
            }
            lowPa = newLow;
            highPa = newHigh;
        }
        return highPa;
    }

    private static FiCurveResult Measure(FiProtocol protocol, IReadOnlyList<double> currents)
    {
        if (currents.Count == 0) return new FiCurveResult([]);
        var spec = BuildSpec(protocol, currents);
        var circuit = MicrocircuitBuilder.BuildMicrocircuit(spec);
        circuit.SetLeversImmediate(protocol.Levers);
        int settle = (int)Math.Round(protocol.SettleMs / protocol.DtMs);
        int total = settle + (int)Math.Round(protocol.DurationMs / protocol.DtMs);
        int cells = Math.Max(1, protocol.CellsPerLevel), pyramidal = currents.Count * cells;
        var counts = new int[currents.Count];
        var bursts = new int[currents.Count];
        var last = new long[pyramidal];
        var lastWasBurst = new bool[pyramidal];
        Array.Fill(last, long.MinValue / 4);
        int isiSteps = (int)Math.Ceiling(Microcircuit.BurstIsiMs / protocol.DtMs);
        for (int s = 0; s < total; s++)
        {
            circuit.Step();
            if (s < settle) continue;
            foreach (int n in circuit.SpikedLastStep)
            {
                if (n >= pyramidal) continue; // interneurons
                int level = n / cells;
                counts[level]++;
                bool burst = s - last[n] < isiSteps;
                if (burst) bursts[level] += lastWasBurst[n] ? 1 : 2;
                lastWasBurst[n] = burst;
                last[n] = s;
            }
        }
        double seconds = protocol.DurationMs / 1000.0 * cells;
        var points = new FiPoint[currents.Count];
        for (int k = 0; k < points.Length; k++)
        {
            points[k] = new FiPoint(currents[k], counts[k] / seconds, counts[k] == 0 ? 0 : Math.Min(1.0, bursts[k] / (double)counts[k]));
        }
        return new FiCurveResult(points);
    }

    private static CircuitSpec BuildSpec(FiProtocol protocol, IReadOnlyList<double> currents)
    {
        var pops = new List<PopulationSpec>();
        var drives = new List<DriveSpec>();
        var projections = new List<ProjectionSpec>();
        int cells = Math.Max(1, protocol.CellsPerLevel);
        for (int k = 0; k < currents.Count; k++)
        {
            string name = "pyr" + k;
            pops.Add(new PopulationSpec(name, CellType.L5Pyramidal, cells));
            drives.Add(new DriveSpec(name, DriveKind.Constant, Compartment.Soma, currents[k]));
            if (protocol.SomaticNoisePa > 0) drives.Add(new DriveSpec(name, DriveKind.OrnsteinUhlenbeck, Compartment.Soma, 0, Sigma: protocol.SomaticNoisePa, TauMs: 5));
            if (protocol.DendriticNoisePa > 0) drives.Add(new DriveSpec(name, DriveKind.OrnsteinUhlenbeck, Compartment.Dendrite, 0, Sigma: protocol.DendriticNoisePa, TauMs: 5));
            if (protocol.DendriticDrivePa != 0) drives.Add(new DriveSpec(name, DriveKind.Constant, Compartment.Dendrite, protocol.DendriticDrivePa));
        }
        void AddInterneurons(string name, CellType type, int count, Compartment target)
        {
            if (count <= 0) return;
            pops.Add(new PopulationSpec(name, type, count));
            drives.Add(new DriveSpec(name, DriveKind.Constant, Compartment.Soma, protocol.InterneuronDrivePa));
            for (int k = 0; k < currents.Count; k++)
            {
                projections.Add(new ProjectionSpec(name, "pyr" + k, Receptor.GabaA, target, protocol.InhibitoryWeightNs, double.PositiveInfinity, count, 1.0));
            }
        }
        AddInterneurons("som", CellType.Som, protocol.SomCells, Compartment.Dendrite);
        AddInterneurons("pv", CellType.Pv, protocol.PvCells, Compartment.Soma);
        return new CircuitSpec
        {
            Populations = pops,
            Drives = drives,
            Projections = projections,
            DtMs = protocol.DtMs,
            Seed = protocol.Seed,
            Pyramidal = protocol.Pyramidal,
            InitialVJitterMv = protocol.SomCells + protocol.PvCells > 0 || cells > 1 ? 10 : 0,
            Levers = protocol.Levers,
        };
    }
}
