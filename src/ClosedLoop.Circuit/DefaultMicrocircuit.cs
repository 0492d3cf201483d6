using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit;

/// <summary>
/// The default layer-5 microcircuit: 80 % two-compartment pyramidal cells, 10 % SOM, 10 % PV on a ring,
/// about 100 synapses per cell, background Poisson drive to somata and apical dendrites tuned for a mean
/// pyramidal rate of 5 to 10 Hz (see docs/circuit.md for the table of projections).
/// </summary>
public static class DefaultMicrocircuit
{
    /// <summary>Population names used by the default circuit.</summary>
    public const string Pyramidal = "pyr", Som = "som", Pv = "pv";

    /// <summary>Build the default spec for <paramref name="cellCount"/> cells (at least 10).</summary>
    public static CircuitSpec Create(int cellCount, int seed, double dtMs = 0.1)
    {
        if (cellCount < 10) throw new ArgumentOutOfRangeException(nameof(cellCount), cellCount, "need at least 10 cells");
        int nPv = Math.Max(1, cellCount / 10);
        int nSom = Math.Max(1, cellCount / 10);
        int nPyr = cellCount - nPv - nSom;
        // Fan-ins are capped by population sizes so that small circuits stay valid.
        double Fan(double f, int sourceCount) => Math.Min(f, 0.5 * sourceCount);
        return new CircuitSpec
        {
            Populations =
            [
                new PopulationSpec(Pyramidal, CellType.L5Pyramidal, nPyr),
                new PopulationSpec(Som, CellType.Som, nSom),
                new PopulationSpec(Pv, CellType.Pv, nPv),
            ],
            Projections =
            [
                // Pyramidal targets: 50 + 20 + 15 + 15 = 100 synapses.
                new ProjectionSpec(Pyramidal, Pyramidal, Receptor.Ampa, Compartment.Soma, 0.3, 0.3, Fan(50, nPyr), 1.5),
                new ProjectionSpec(Pyramidal, Pyramidal, Receptor.Nmda, Compartment.Dendrite, 0.1, 0.3, Fan(20, nPyr), 1.5),
                new ProjectionSpec(Som, Pyramidal, Receptor.GabaA, Compartment.Dendrite, 1.0, 0.5, Fan(15, nSom), 1.0),
                new ProjectionSpec(Pv, Pyramidal, Receptor.GabaA, Compartment.Soma, 1.0, 0.5, Fan(15, nPv), 0.8),
                // SOM targets: 90 synapses. PV targets: 100 synapses.
                new ProjectionSpec(Pyramidal, Som, Receptor.Ampa, Compartment.Soma, 0.3, 0.5, Fan(90, nPyr), 1.0),
                new ProjectionSpec(Pyramidal, Pv, Receptor.Ampa, Compartment.Soma, 0.3, 0.5, Fan(80, nPyr), 1.0),
                new ProjectionSpec(Pv, Pv, Receptor.GabaA, Compartment.Soma, 0.5, 0.5, Fan(10, nPv), 0.8),
                new ProjectionSpec(Som, Pv, Receptor.GabaA, Compartment.Soma, 0.5, 0.5, Fan(10, nSom), 1.0),
            ],
            Drives =
            [
                new DriveSpec(Pyramidal, DriveKind.Poisson, Compartment.Soma, Amplitude: 4.0, RateHz: 450),
                new DriveSpec(Pyramidal, DriveKind.Poisson, Compartment.Dendrite, Amplitude: 2.0, RateHz: 1500),
                new DriveSpec(Som, DriveKind.Poisson, Compartment.Soma, Amplitude: 1.0, RateHz: 500),
                new DriveSpec(Pv, DriveKind.Poisson, Compartment.Soma, Amplitude: 1.0, RateHz: 500),
            ],
            DtMs = dtMs,
            Seed = seed,
            Topology = Topology.Ring,
            InitialVJitterMv = 10,
        };
    }
}
