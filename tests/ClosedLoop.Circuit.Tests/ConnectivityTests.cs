using ClosedLoop.Circuit.Engine;
using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Tests;

public class ConnectivityTests
{
    private static Microcircuit Ring(int seed, double sd, Topology topology = Topology.Ring, double fanIn = 20)
        => MicrocircuitBuilder.BuildMicrocircuit(new CircuitSpec
        {
            Populations = [new PopulationSpec("a", CellType.Pv, 400), new PopulationSpec("b", CellType.Pv, 200)],
            Projections =
            [
                new ProjectionSpec("a", "b", Receptor.Ampa, Compartment.Soma, 1, sd, fanIn),
                new ProjectionSpec("a", "a", Receptor.Ampa, Compartment.Soma, 1, sd, fanIn),
            ],
            Seed = seed,
            Topology = topology,
        });

    [Fact]
    public void Build_SameSeed_IdenticalSynapses_OtherSeedDiffers()
    {
        var a = Ring(7, 0.3);
        var b = Ring(7, 0.3);
        var c = Ring(8, 0.3);
        Assert.Equal(a.SynapseCount, b.SynapseCount);
        for (int i = 0; i < a.GetProjectionSynapseCount(0); i++) Assert.Equal(a.GetSynapse(0, i), b.GetSynapse(0, i));
        bool differs = a.GetProjectionSynapseCount(0) != c.GetProjectionSynapseCount(0)
            || Enumerable.Range(0, a.GetProjectionSynapseCount(0)).Any(i => a.GetSynapse(0, i) != c.GetSynapse(0, i));
        Assert.True(differs);
    }

    [Theory]
    [InlineData(Topology.Ring, 0.3)]
    [InlineData(Topology.Ring, double.PositiveInfinity)]
    [InlineData(Topology.Sheet, 0.2)]
    public void Build_FanIn_MatchesExpectedWithinFivePercent(Topology topology, double sd)
    {
        var c = Ring(3, sd, topology);
        // 200 targets x 20 expected synapses = 4000; binomial sd ~ 63, so 5 % (200) is over 3 sd.
        Assert.InRange(c.GetProjectionSynapseCount(0), 3800, 4200);
        Assert.InRange(c.GetProjectionSynapseCount(1), 7600, 8400);
        for (int i = 0; i < c.GetProjectionSynapseCount(1); i++)
        {
            var (s, t) = c.GetSynapse(1, i);
            Assert.NotEqual(s, t); // no self-synapses
        }
    }

    [Fact]
    public void Build_NarrowKernel_ConnectsNeighboursOnTheRing()
    {
        // Mean chord distance of connections: sd 0.1 gives about sd sqrt(2/pi) = 0.08; uniform gives 4/pi = 1.27.
        double MeanDistance(Microcircuit c)
        {
            double sum = 0;
            int m = c.GetProjectionSynapseCount(1);
            for (int i = 0; i < m; i++)
            {
                var (s, t) = c.GetSynapse(1, i);
                ConnectivityBuilder.Position(Topology.Ring, s, 400, out double x1, out _);
                ConnectivityBuilder.Position(Topology.Ring, t, 400, out double x2, out _);
                sum += ConnectivityBuilder.Distance(Topology.Ring, x1, 0, x2, 0);
            }
            return sum / m;
        }
        Assert.InRange(MeanDistance(Ring(1, 0.1)), 0.07, 0.095);
        Assert.InRange(MeanDistance(Ring(1, double.PositiveInfinity)), 1.2, 1.34);
    }

    [Fact]
    public void Build_NarrowKernelOnSheet_ConnectsNeighbours()
    {
        // Torus, sd 0.1: mean distance about sd sqrt(pi/2) = 0.125 (2-D Rayleigh); uniform on the unit torus: 0.383.
        double MeanDistance(Microcircuit c)
        {
            double sum = 0;
            int m = c.GetProjectionSynapseCount(1);
            for (int i = 0; i < m; i++)
            {
                var (s, t) = c.GetSynapse(1, i);
                ConnectivityBuilder.Position(Topology.Sheet, s, 400, out double x1, out double y1);
                ConnectivityBuilder.Position(Topology.Sheet, t, 400, out double x2, out double y2);
                sum += ConnectivityBuilder.Distance(Topology.Sheet, x1, y1, x2, y2);
            }
            return sum / m;
        }
        Assert.InRange(MeanDistance(Ring(1, 0.1, Topology.Sheet)), 0.11, 0.14);
        Assert.InRange(MeanDistance(Ring(1, double.PositiveInfinity, Topology.Sheet)), 0.36, 0.40);
    }

    [Fact]
    public void Build_ZeroFanIn_MakesNoSynapses()
    {
        Assert.Equal(0, Ring(1, 0.3, fanIn: 0).SynapseCount);
    }

    [Fact]
    public void Build_FanInAboveSourceCount_ConnectsAllToAll()
    {
        var c = Ring(1, double.PositiveInfinity, fanIn: 1000);
        Assert.Equal(400 * 200, c.GetProjectionSynapseCount(0));
        Assert.Equal(400 * 399, c.GetProjectionSynapseCount(1));
    }

    [Fact]
    public void Distance_Torus_WrapsAround()
    {
        Assert.Equal(0.1 * Math.Sqrt(2), ConnectivityBuilder.Distance(Topology.Sheet, 0.05, 0.5, 0.95, 0.6), 1e-12); // dx wraps to 0.1
        Assert.Equal(2.0, ConnectivityBuilder.Distance(Topology.Ring, 0, 0, Math.PI, 0), 1e-12);
    }
}

public class KernelWeightTests
{
    [Fact]
    public void WeightFromKernel_AllToAllRing_WeightsFollowTheNormalisedGaussianOfChordDistance()
    {
        // The published ring form: w_ij = w exp(-d^2 / 2 sd^2) / (sd sqrt(2 pi)), d = chord distance on the unit
        // circle, every pair connected (fan-in = n - 1). 90 cells, w 3.5, sd 0.5 (the reference ring's e -> e).
        const int n = 90;
        var spec = new CircuitSpec
        {
            Populations = [new PopulationSpec("e", CellType.Izhikevich2007, n, "RS")],
            Projections = [new ProjectionSpec("e", "e", Receptor.Ampa, Compartment.Soma, 3.5, 0.5, n - 1, WeightFromKernel: true, Plasticity: PlasticityRule.PairStdp)],
        };
        var c = MicrocircuitBuilder.BuildMicrocircuit(spec);
        Assert.Equal(n * (n - 1), c.GetProjectionSynapseCount(0));
        double maxRel = 0;
        for (int e = 0; e < c.GetProjectionSynapseCount(0); e++)
        {
            var (i, j) = c.GetSynapse(0, e);
            double d = 2 * Math.Abs(Math.Sin(Math.PI * (i - j) / n));
            double expected = 3.5 * Math.Exp(-d * d / (2 * 0.25)) / (0.5 * Math.Sqrt(2 * Math.PI));
            maxRel = Math.Max(maxRel, Math.Abs(c.GetWeight(0, e) - expected) / expected);
        }
        Assert.True(maxRel < 1e-5, $"max relative error {maxRel:E2}"); // Gaussian table (1e-6 abs) and float32 rounding
        // Neighbours (d = 2 sin(pi / 90) = 0.070) weigh most, 2.766 nS; opposite cells (d = 2) least, 0.0009 nS.
        Assert.InRange(Enumerable.Range(0, n * (n - 1)).Max(e => c.GetWeight(0, e)), 2.765f, 2.767f);

        // Prepare (reset) restores the kernel weights, not the constant Weight.
        var before = Enumerable.Range(0, n * (n - 1)).Select(e => c.GetWeight(0, e)).ToArray();
        c.Prepare(spec.DtMs);
        Assert.Equal(before, Enumerable.Range(0, n * (n - 1)).Select(e => c.GetWeight(0, e)).ToArray());
    }

    [Fact]
    public void WeightFromKernel_WithUniformSd_IsRejected()
    {
        var spec = new CircuitSpec
        {
            Populations = [new PopulationSpec("e", CellType.Izhikevich2007, 10, "RS")],
            Projections = [new ProjectionSpec("e", "e", Receptor.Ampa, Compartment.Soma, 1, double.PositiveInfinity, 9, WeightFromKernel: true)],
        };
        var ex = Assert.Throws<ArgumentException>(() => MicrocircuitBuilder.Build(spec));
        Assert.Contains("WeightFromKernel", ex.Message, StringComparison.Ordinal);
    }
}
