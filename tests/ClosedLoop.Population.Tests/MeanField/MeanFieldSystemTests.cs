using ClosedLoop.Core.Levers;
using ClosedLoop.Population.MeanField;
using ClosedLoop.Population.Ode;
using Xunit;

namespace ClosedLoop.Population.Tests.MeanField;

/// <summary>
/// The mean field against the reference values of Gast, Solla and Kennedy's RS population (g 15, tau_s 6, J 1,
/// Delta 1, d 10). References are given to 4-6 significant digits; RK4 at dt 0.05 ms over 3 s settles to the fixed
/// point far below that, so tolerances are half a unit of the last reference digit.
/// </summary>
public class MeanFieldSystemTests
{
    private static double[] Settle(MeanFieldSystem sys, double[] y, double ms = 3000, double dt = 0.05)
    {
        new Rk4Integrator(sys.Dimension).Run(sys, y, dt, (int)(ms / dt));
        return y;
    }

    private static MeanFieldSystem Rs(double current)
    {
        var sys = new MeanFieldSystem(MeanFieldPresets.Rs);
        sys.SetExtraCurrent(0, current - MeanFieldPresets.RegularSpiking.CurrentPa);
        return sys;
    }

    private static double[] Rest(MeanFieldSystem sys)
    {
        var y = new double[sys.Dimension];
        sys.InitialState(y);
        return y;
    }

    [Fact]
    public void OnePopulation_I50_SettlesOnTheReferenceFixedPoint()
    {
        var sys = Rs(50);
        double[] y = Settle(sys, Rest(sys));
        Assert.Equal(27.4733, 1000 * y[0], 0.00005 * 1000 / 100); // Hz, +-0.0005
        Assert.Equal(-48.6924, y[1], 0.00005 * 10);
        Assert.Equal(-13.4574, y[2], 0.00005 * 10);
        Assert.Equal(0.164840, y[3], 0.0000005 * 10);
    }

    [Fact]
    public void OnePopulation_I30_IsBistable_BothReferenceStatesAreReached()
    {
        var sys = Rs(30);
        double[] low = Settle(sys, Rest(sys));
        double[] high = Settle(sys, [0.03, -45, 0, 0.2]);
        Assert.Equal(0.5620, 1000 * low[0], 0.0005);
        Assert.Equal(20.6128, 1000 * high[0], 0.0005);
    }

    [Fact]
    public void OnePopulation_ClosedFormSteadyStates_AreZerosOfTheDerivatives()
    {
        // Ties the code's right-hand side to the closed-form steady-state curve the fold test uses.
        var p = MeanFieldPresets.RegularSpiking;
        Span<double> dy = stackalloc double[4];
        foreach (double r in new[] { 0.0005, 0.005, 0.02, 0.05 })
        {
            var (i, v, u, s) = MeanFieldReference.SteadyStateAtRate(p, 15, 1, r);
            var sys = Rs(i);
            sys.Derivatives([r, v, u, s], dy);
            foreach (double d in dy)
            {
                Assert.True(Math.Abs(d) < 1e-10, $"r = {r}: derivative {d}");
            }
        }
    }

    [Fact]
    public void OnePopulation_Folds_AtTheReferenceCurrents()
    {
        var folds = MeanFieldReference.Folds(MeanFieldPresets.RegularSpiking, 15, 1);
        Assert.Equal(2, folds.Count);
        Assert.Equal(40.671, folds.Max(), 0.0005);
        Assert.Equal(23.622, folds.Min(), 0.0005);
    }

    [Theory]
    [InlineData(40.5, false)] // just below the upper fold: the low state survives
    [InlineData(40.85, true)] // just above it: the low state is gone, rest goes up
    public void OnePopulation_UpperFold_LowStateDisappears(double current, bool goesHigh)
    {
        // Hysteresis protocol: settle on the low state at I = 30, then step the current up.
        var sys = Rs(30);
        double[] y = Settle(sys, Rest(sys));
        sys.SetExtraCurrent(0, current - MeanFieldPresets.RegularSpiking.CurrentPa);
        Settle(sys, y, ms: 10000, dt: 0.1);
        Assert.Equal(goesHigh, 1000 * y[0] > 5);
    }

    [Theory]
    [InlineData(23.8, true)] // just above the lower fold: the high state survives
    [InlineData(23.45, false)] // just below it: the high state is gone
    public void OnePopulation_LowerFold_HighStateDisappears(double current, bool staysHigh)
    {
        // Hysteresis protocol: settle on the high state at I = 30, then step the current down.
        var sys = Rs(30);
        double[] y = Settle(sys, [0.03, -45, 0, 0.2]);
        sys.SetExtraCurrent(0, current - MeanFieldPresets.RegularSpiking.CurrentPa);
        Settle(sys, y, ms: 10000, dt: 0.1);
        Assert.Equal(staysHigh, 1000 * y[0] > 5);
    }

    [Fact]
    public void OnePopulation_BistableRange_ShrinksAsDeltaGrows()
    {
        double previous = double.PositiveInfinity;
        foreach (double delta in new[] { 0.5, 1.0, 1.5 })
        {
            var folds = MeanFieldReference.Folds(MeanFieldPresets.RegularSpiking with { DeltaMv = delta }, 15, 1);
            double width = folds.Count == 2 ? folds.Max() - folds.Min() : 0;
            Assert.True(width < previous, $"Delta {delta}: width {width}, previous {previous}");
            previous = width;
        }
    }

    [Theory]
    [InlineData(0.1, true)]
    [InlineData(2.0, false)]
    public void RsFs_NarrowInhibitoryHeterogeneityOscillates_BroadDoesNot(double deltaFs, bool oscillates)
    {
        var p = MeanFieldPresets.RsFs with
        {
            Populations = [MeanFieldPresets.RsFs.Populations[0], MeanFieldPresets.FastSpiking with { DeltaMv = deltaFs, CurrentPa = 40 }],
        };
        var sys = new MeanFieldSystem(p);
        double[] y = Settle(sys, Rest(sys), ms: 1500, dt: 0.05);
        var rk = new Rk4Integrator(sys.Dimension);
        double min = double.MaxValue, max = double.MinValue;
        for (int i = 0; i < 10000; i++) // 500 ms more
        {
            rk.Step(sys, y, 0.05);
            min = Math.Min(min, 1000 * y[0]);
            max = Math.Max(max, 1000 * y[0]);
        }
        // An oscillation here swings the RS rate by ~25 Hz; a settled fixed point by < 1e-3 Hz.
        Assert.Equal(oscillates, max - min > 5);
        if (!oscillates)
        {
            Assert.True(max - min < 0.01, $"range {max - min} Hz");
        }
    }

    [Fact]
    public void ApplyLevers_DriveAndThreshold_RaiseTheRate()
    {
        var sys = Rs(50);
        double baseRate = Settle(sys, Rest(sys))[0];
        var l = LeverSet.Neutral;
        l.SomaticDrive = 10;
        sys.ApplyLevers(l, 0);
        double driven = Settle(sys, Rest(sys))[0];
        l = LeverSet.Neutral;
        l.ThresholdShift = -2;
        sys.ApplyLevers(l, 0);
        double lowered = Settle(sys, Rest(sys))[0];
        Assert.True(driven > baseRate && lowered > baseRate, $"{baseRate} {driven} {lowered}");
        Assert.Equal(50, sys.EffectiveCurrent(0), 12);
    }
}
