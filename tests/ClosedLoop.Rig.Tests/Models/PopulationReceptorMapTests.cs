using ClosedLoop.Core.Levers;
using ClosedLoop.Modulation.Receptors;
using ClosedLoop.Population.NeuralMass;
using Xunit;

namespace ClosedLoop.Rig.Tests.Models;

/// <summary>
/// The runtime's receptor map (noradrenaline -> alpha-2 / alpha-1 occupancy -> levers, default constants) drives the
/// second-order neural mass to an inverted U of population gain over arousal: the alpha-2 term raises coupling
/// (steeper sigmoid), the alpha-1 term lowers it again.
/// </summary>
public class PopulationReceptorMapTests
{
    private static double[] GainOverArousal(int points)
    {
        var map = new LeverMap();
        var gains = new double[points];
        for (int i = 0; i < points; i++)
        {
            double arousal = i / (points - 1.0);
            var sys = new SecondOrderSystem();
            sys.ApplyLevers(map.Evaluate(arousal), 0);
            gains[i] = sys.Gain(sys.ThetaMv); // the sigmoid's maximum slope dQ/dV, (1/s)/mV
        }
        return gains;
    }

    [Fact]
    public void DefaultReceptorMap_SecondOrderNeuralMass_GainIsAnInvertedU()
    {
        double[] g = GainOverArousal(41);
        int peak = Array.IndexOf(g, g.Max());
        double peakArousal = peak / 40.0;
        // Interior peak, rising before it and falling after it (strictly), both ends well below it.
        Assert.InRange(peakArousal, 0.2, 0.8);
        for (int i = 1; i <= peak; i++) Assert.True(g[i] > g[i - 1], $"not rising at arousal {i / 40.0}");
        for (int i = peak + 1; i < g.Length; i++) Assert.True(g[i] < g[i - 1], $"not falling at arousal {i / 40.0}");
        // Measured with the default constants: the ends sit at 83 % (no noradrenaline) and 90 % (saturating) of the peak.
        Assert.True(g[0] < 0.95 * g[peak] && g[^1] < 0.95 * g[peak], $"ends {g[0]}, {g[^1]}; peak {g[peak]}");
    }

    [Fact]
    public void DefaultReceptorMap_DrivesTheLoopModel_GainReadoutFollowsTheMap()
    {
        // The same map through the loop model's levers: the live "gain" readout at low, middle and high arousal.
        var map = new LeverMap();
        float Gain(double arousal)
        {
            var m = new SecondOrderNeuralMassModel { LeverRampMs = 0 };
            m.SetLevers(map.Evaluate(arousal));
            m.Prepare(0.1);
            m.Step();
            return m.Readout.Get(SecondOrderNeuralMassModel.Schema, "gain");
        }
        float low = Gain(0), mid = Gain(0.5), high = Gain(1);
        Assert.True(mid > low && mid > high, $"{low} {mid} {high}");
    }
}
