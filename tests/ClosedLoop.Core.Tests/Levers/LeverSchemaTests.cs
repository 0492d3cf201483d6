using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using ClosedLoop.Core.Levers;
using Xunit;

namespace ClosedLoop.Core.Tests.Levers;

public class LeverSchemaTests
{
    private static string SnakeCase(string pascal)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i])) sb.Append('_');
            sb.Append(char.ToLowerInvariant(pascal[i]));
        }
        return sb.ToString();
    }

    /// <summary>Instance fields of LeverSet in memory order (sequential layout: by field offset).</summary>
    private static FieldInfo[] FieldsInLayoutOrder() => typeof(LeverSet)
        .GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
        .OrderBy(f => Marshal.OffsetOf<LeverSet>(f.Name).ToInt64())
        .ToArray();

    [Fact]
    public void LeverSetFields_InLayoutOrder_MatchLeverEnumAndSchemaNames()
    {
        var fields = FieldsInLayoutOrder();
        var levers = Enum.GetValues<Lever>();
        Assert.Equal(LeverSchema.Count, fields.Length);
        Assert.Equal(LeverSchema.Count, levers.Length);
        Assert.Equal(LeverSchema.Count, LeverSchema.All.Length);
        for (int i = 0; i < fields.Length; i++)
        {
            Assert.Equal(typeof(float), fields[i].FieldType);
            Assert.Equal(i * sizeof(float), Marshal.OffsetOf<LeverSet>(fields[i].Name).ToInt64());
            Assert.Equal(i, (int)levers[i]);
            Assert.Equal(levers[i].ToString(), fields[i].Name);
            Assert.Equal(levers[i], LeverSchema.All[i].Lever);
            Assert.Equal(SnakeCase(fields[i].Name), LeverSchema.All[i].Name);
            Assert.Equal(LeverSchema.All[i].Name, LeverSchema.Names[i]);
        }
        Assert.Equal(LeverSchema.Count * sizeof(float), Marshal.SizeOf<LeverSet>());
    }

    [Fact]
    public void Names_AreTheConfigAndWireNames()
    {
        Assert.Equal(
            ["coupling", "dendritic_drive", "somatic_drive", "threshold_shift", "resting_shift",
             "ampa_gain", "nmda_gain", "gaba_gain", "synaptic_time_scale", "som_strength", "pv_strength"],
            LeverSchema.Names);
    }

    [Fact]
    public void Indexer_AddressesTheFieldOfTheSameName()
    {
        foreach (var info in LeverSchema.All)
        {
            var l = default(LeverSet);
            l[info.Lever] = 42f;
            object boxed = l;
            foreach (var f in FieldsInLayoutOrder())
            {
                Assert.Equal(f.Name == info.Lever.ToString() ? 42f : 0f, (float)f.GetValue(boxed)!);
            }
            Assert.Equal(42f, LeverSet.AsSpan(ref l)[(int)info.Lever]);
        }
    }

    [Fact]
    public void NeutralValues_EqualLeverSetNeutral_AndAreLegal()
    {
        var neutral = LeverSet.Neutral;
        foreach (var info in LeverSchema.All)
        {
            Assert.Equal(info.Neutral, neutral[info.Lever]);
            Assert.True(info.Contains(info.Neutral), info.Name);
        }
        // The published circuit, spelled out.
        Assert.Equal(new LeverSet
        {
            Coupling = 1f, AmpaGain = 1f, NmdaGain = 1f, GabaGain = 1f, SynapticTimeScale = 1f, SomStrength = 1f, PvStrength = 1f,
        }, neutral);
    }

    [Theory]
    [InlineData(Lever.Coupling, 0.0, 1.0, "1")]
    [InlineData(Lever.DendriticDrive, -1e4, 1e4, "pA")]
    [InlineData(Lever.SomaticDrive, -1e4, 1e4, "pA")]
    [InlineData(Lever.ThresholdShift, -1e4, 1e4, "mV")]
    [InlineData(Lever.RestingShift, -1e4, 1e4, "mV")]
    [InlineData(Lever.AmpaGain, 0.0, 10.0, "x")]
    [InlineData(Lever.NmdaGain, 0.0, 10.0, "x")]
    [InlineData(Lever.GabaGain, 0.0, 10.0, "x")]
    [InlineData(Lever.SynapticTimeScale, 0.1, 10.0, "x")]
    [InlineData(Lever.SomStrength, 0.0, 10.0, "x")]
    [InlineData(Lever.PvStrength, 0.0, 10.0, "x")]
    public void Ranges_AndUnits(Lever lever, double min, double max, string unit)
    {
        var info = LeverSchema.Get(lever);
        Assert.Equal(min, info.Min);
        Assert.Equal(max, info.Max);
        Assert.Equal(unit, info.Unit);
        Assert.False(string.IsNullOrWhiteSpace(info.Description));
        Assert.DoesNotContain('\n', info.Description);
        Assert.False(info.Contains(double.NaN));
    }

    [Fact]
    public void TryParse_KnowsEveryNameAndNothingElse()
    {
        foreach (var info in LeverSchema.All)
        {
            Assert.True(LeverSchema.TryParse(info.Name, out var lever));
            Assert.Equal(info.Lever, lever);
            Assert.Equal(info.Name, LeverSchema.Name(lever));
        }
        Assert.False(LeverSchema.TryParse("Coupling", out _));
        Assert.False(LeverSchema.TryParse("", out _));
        Assert.False(LeverSchema.TryParse(null, out _));
    }

    [Fact]
    public void Get_UndefinedLever_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LeverSchema.Get((Lever)LeverSchema.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => LeverSchema.Get((Lever)(-1)));
    }

    [Fact]
    public void TryValidate_WrongLength_Fails()
    {
        Assert.False(LeverSchema.TryValidate(new float[3], out var error));
        Assert.Contains("11", error);
    }
}
