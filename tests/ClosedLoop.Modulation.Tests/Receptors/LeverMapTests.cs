using ClosedLoop.Core.Configuration;
using ClosedLoop.Core.Levers;
using ClosedLoop.Modulation.Configuration;
using ClosedLoop.Modulation.Receptors;
using Xunit;

namespace ClosedLoop.Modulation.Tests.Receptors;

public sealed class LeverMapTests
{
    private static (double Arousal, double Value)[] Sweep(Func<LeverSet, double> f, int n = 1001)
    {
        var map = new LeverMap();
        return Enumerable.Range(0, n).Select(i => i / (double)(n - 1)).Select(a => (a, f(map.Evaluate(a)))).ToArray();
    }

    [Fact]
    public void Evaluate_GainProxy_IsInvertedUWithInteriorPeak()
    {
        // Defaults (the map redesigned for the circuit's inverted U; the first map's figures were 0.318 / peak 0.482 at
        // 0.411 / 0.249): proxy = coupling / SOM strength, coupling = 0.2 + 1.2 o2 - 1.4 o1, SOM = 1 + o1. Reference
        // values from the closed form (a plain Python loop over 1001 points): 0.2316 at arousal 0, peak 0.5297 at
        // 0.420 (c = 76 nM), 0.1620 at arousal 1.
        var sweep = Sweep(l => LeverMap.GainProxy(l));
        var peak = sweep.MaxBy(p => p.Value);
        Assert.Equal(0.420, peak.Arousal, 0.002);
        Assert.Equal(0.5297, peak.Value, 0.001);
        Assert.Equal(0.2316, sweep[0].Value, 0.001);
        Assert.Equal(0.1620, sweep[^1].Value, 0.001);
        // Rising before the peak and falling after it (a single maximum). Levers are floats: 1e-6 slack for rounding.
        for (int i = 1; i < sweep.Length; i++)
        {
            if (sweep[i].Arousal <= peak.Arousal) { Assert.True(sweep[i].Value > sweep[i - 1].Value - 1e-6); }
            else { Assert.True(sweep[i].Value < sweep[i - 1].Value + 1e-6); }
        }
    }

    [Fact]
    public void Evaluate_Coupling_RisesWithAlpha2ThenFallsWithAlpha1()
    {
        // coupling = 0.2 + 1.2 o2 - 1.4 o1 peaks where 1.2 K2 / (c + K2)^2 = 1.4 K1 / (c + K1)^2: c = (K1 - r K2) / (r - 1),
        // r = sqrt(1.4 K1 / (1.2 K2)) = 2.6220 -> c = 112.93 nM -> a = ((c - 2) / 998)^(1/3) = 0.4809 (value 0.6453;
        // 0.2329 at arousal 0, 0.2837 at 1).
        var sweep = Sweep(l => l.Coupling);
        var peak = sweep.MaxBy(p => p.Value);
        Assert.Equal(0.4809, peak.Arousal, 0.001);
        Assert.Equal(0.6453, peak.Value, 0.0005);
        Assert.True(peak.Value > sweep[0].Value + 0.35 && peak.Value > sweep[^1].Value + 0.3);
        // The first map (kept as LeverMapOptions.Version1) peaked at a = 0.5118 (r = sqrt(K1 / K2)).
        var v1 = new LeverMap(LeverMapOptions.Version1);
        var v1Peak = Enumerable.Range(0, 1001).Select(i => i / 1000.0).MaxBy(a => v1.Evaluate(a).Coupling);
        Assert.Equal(0.5118, v1Peak, 0.001);
    }

    [Fact]
    public void Evaluate_Alpha1Terms_MonotoneInArousal()
    {
        var som = Sweep(l => l.SomStrength);
        var threshold = Sweep(l => l.ThresholdShift);
        for (int i = 1; i < som.Length; i++)
        {
            Assert.True(som[i].Value >= som[i - 1].Value);
            Assert.True(threshold[i].Value <= threshold[i - 1].Value);
        }
        Assert.Equal(1.0 + 1000.0 / 1330.0, som[^1].Value, 6);
    }

    [Fact]
    public void Evaluate_PureOccupancies_ReturnConfiguredCorners()
    {
        var map = new LeverMap();
        var alpha2Only = map.Evaluate(new ReceptorState(0, 1, 0));
        Assert.Equal(1.0f, alpha2Only.Coupling); // 0.2 + 1.2 = 1.4, clamped to the lever's range
        Assert.Equal(1200f, alpha2Only.DendriticDrive);
        Assert.Equal(2.0f, alpha2Only.NmdaGain);
        var alpha1Only = map.Evaluate(new ReceptorState(0, 0, 1));
        Assert.Equal(0f, alpha1Only.Coupling); // 0.2 - 1.4, clamped
        Assert.Equal(-1500f, alpha1Only.DendriticDrive);
        var none = map.Evaluate(new ReceptorState(0, 0, 0));
        Assert.Equal(0.2f, none.Coupling);
        Assert.Equal(1f, none.SomStrength);
        Assert.True(none.TryValidate(out _));
    }

    [Fact]
    public void Evaluate_EveryArousal_ProducesValidLeverSet()
    {
        var map = new LeverMap();
        for (int i = 0; i <= 1000; i++)
        {
            var levers = map.Evaluate(i / 1000.0);
            Assert.True(levers.TryValidate(out var error), error);
        }
    }

    [Fact]
    public void Constructor_MapLeavingLeverRange_ThrowsWithLeverArousalAndValue()
    {
        var options = new LeverMapOptions { Coupling = new LeverTerm(0.5, 0.9, 0.0) };
        var ex = Assert.Throws<ConfigException>(() => new LeverMap(options));
        Assert.Equal("levers.coupling", ex.Field);
        Assert.Contains("at arousal", ex.Problem, StringComparison.Ordinal);
        Assert.EndsWith("; expected the lever to stay within 0..1", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NonFiniteTerm_ThrowsNamingTermField()
    {
        var options = new LeverMapOptions { PvStrength = new LeverTerm(1, double.NaN, 0) };
        var ex = Assert.Throws<ConfigException>(() => new LeverMap(options));
        Assert.Equal("levers.pv_strength.alpha2", ex.Field);
    }

    [Fact]
    public void Options_HaveOneTermPropertyPerLever_NamedAsTheLever()
    {
        var properties = typeof(LeverMapOptions).GetProperties()
            .Where(p => p.PropertyType == typeof(LeverTerm))
            .Select(p => p.Name)
            .Order();
        Assert.Equal(Enum.GetNames<Lever>().Order(), properties);
        var options = LeverMapOptions.Default;
        var terms = options.TermsInFieldOrder();
        foreach (var info in LeverSchema.All)
        {
            var property = typeof(LeverMapOptions).GetProperty(info.Lever.ToString())!;
            Assert.Equal(property.GetValue(options), options.Term(info.Lever));
            Assert.Equal(options.Term(info.Lever), terms[(int)info.Lever]);
        }
    }

    [Theory]
    [InlineData(Lever.DendriticDrive, 9e3, 5e3, "the lever to stay within -10000..10000")]
    [InlineData(Lever.SynapticTimeScale, 0.05, 0, "the lever to stay within 0.1..10")]
    [InlineData(Lever.GabaGain, -0.5, 0, "the lever to stay within 0..10")]
    public void Constructor_TermLeavingSchemaRange_ThrowsWithSchemaRange(Lever lever, double @base, double alpha2, string expected)
    {
        var term = new LeverTerm(@base, alpha2, 0);
        var options = lever switch
        {
            Lever.DendriticDrive => new LeverMapOptions { DendriticDrive = term },
            Lever.SynapticTimeScale => new LeverMapOptions { SynapticTimeScale = term },
            _ => new LeverMapOptions { GabaGain = term },
        };
        // The message names the field and the schema's range (the exception type is the options layer's business).
        var ex = Assert.ThrowsAny<Exception>(() => new LeverMap(options));
        Assert.Contains("levers." + LeverSchema.Name(lever), ex.Message, StringComparison.Ordinal);
        Assert.Contains("; expected " + expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ConstantAtSchemaBounds_IsAccepted()
    {
        // 0.1 (double) is the lower bound of the time scale; the float lever it becomes still validates.
        var map = new LeverMap(new LeverMapOptions { SynapticTimeScale = LeverTerm.Constant(0.1), AmpaGain = LeverTerm.Constant(10) });
        var levers = map.Evaluate(0.5);
        Assert.Equal(0.1f, levers.SynapticTimeScale);
        Assert.True(levers.TryValidate(out var error), error);
    }
}
