using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Population.MeanField;
using Xunit;

namespace ClosedLoop.Population.Tests.MeanField;

public class MeanFieldModelTests
{
    [Fact]
    public void RsPreset_LoopStepsAtTenKilohertz_ReachTheReferenceRate()
    {
        // dt 0.1 ms, one RK4 substep per step at this drive: 2 s reach the I = 50 fixed point (27.4733 Hz)
        // within the RK4 error at that step (measured < 1e-4 Hz; readout in float).
        var m = MeanFieldModel.FromPreset("rs");
        m.Prepare(0.1);
        for (int i = 0; i < 20000; i++)
        {
            m.Step();
        }
        Assert.Equal(1, m.LastSubsteps);
        Assert.Equal(27.4733, m.Readout.Get(m.ReadoutSchema, ReadoutNames.PyramidalRateHz), 0.001);
        Assert.Equal(-48.6924, m.Readout.Get(m.ReadoutSchema, "rs_v_mv"), 0.001);
    }

    [Fact]
    public void Input_AddsCurrent_LikeTheIParameter()
    {
        // SetInput(-20) on I = 50 is I = 30: from rest the low state of the bistable pair, 0.5620 Hz.
        var m = MeanFieldModel.FromPreset("rs");
        m.Prepare(0.1);
        m.SetInput(-20);
        for (int i = 0; i < 30000; i++)
        {
            m.Step();
        }
        Assert.Equal(0.5620, m.Readout[0], 0.001);
    }

    [Theory]
    [InlineData(10000f)]
    [InlineData(-10000f)]
    public void ExtremeLegalDrive_StaysFinite_BySubstepping(float drivePa)
    {
        foreach (string preset in MeanFieldPresets.Names)
        {
            var m = MeanFieldModel.FromPreset(preset);
            var l = LeverSet.Neutral;
            l.SomaticDrive = drivePa;
            m.SetLevers(l);
            m.Prepare(0.1);
            int most = 0;
            for (int i = 0; i < 2000; i++)
            {
                m.Step();
                most = Math.Max(most, m.LastSubsteps);
                foreach (float v in ModelReadout.AsSpan(m.Readout))
                {
                    Assert.True(float.IsFinite(v), $"{preset}, drive {drivePa}: step {i} readout {v}");
                }
            }
            Assert.InRange(most, 1, MeanFieldModel.MaxSubsteps);
        }
    }

    [Fact]
    public void Schema_NamesEachPopulation_WithStandardAliases()
    {
        var m = MeanFieldModel.FromPreset("rs-fs-lts");
        Assert.Equal(7, m.ReadoutSchema.Count);
        Assert.True(m.ReadoutSchema.TryFind(MeanFieldModel.GainReadout, out int gain) && gain == 6);
        Assert.True(m.ReadoutSchema.TryFind(ReadoutNames.PvRateHz, out int pv) && pv == 2);
        Assert.True(m.ReadoutSchema.TryFind(ReadoutNames.SomRateHz, out int som) && som == 4);
        Assert.True(m.HonouredLevers.Contains(Lever.SomStrength));
        Assert.False(MeanFieldModel.FromPreset("rs").HonouredLevers.Contains(Lever.GabaGain));
        Assert.True(m.HonouredLevers.Contains(Lever.Coupling));
    }

    /// <summary>Each preset's populations in order, with the standard rate name and class word of the cell they were built from.</summary>
    public static TheoryData<string, string[], string[]> PresetClasses() => new()
    {
        { "rs", [ReadoutNames.PyramidalRateHz], ["pyramidal"] },
        { "rs-fs", [ReadoutNames.PyramidalRateHz, ReadoutNames.PvRateHz], ["pyramidal", "PV"] },
        { "rs-fs-lts", [ReadoutNames.PyramidalRateHz, ReadoutNames.PvRateHz, ReadoutNames.SomRateHz], ["pyramidal", "PV", "SOM"] },
    };

    [Theory]
    [MemberData(nameof(PresetClasses))]
    public void Schema_FsReportsAsPv_LtsAsSom_InEveryPreset(string preset, string[] standard, string[] label)
    {
        // The FS population's rate answers to pv_rate_hz, the LTS population's to som_rate_hz, the RS one's to
        // pyramidal_rate_hz (output channels and telemetry find them by these names), and each description names the class.
        var m = MeanFieldModel.FromPreset(preset);
        Assert.Equal(2 * standard.Length + 1, m.ReadoutSchema.Count);
        for (int i = 0; i < standard.Length; i++)
        {
            var rate = m.ReadoutSchema.Channels[2 * i];
            Assert.Equal(standard[i], rate.Alias);
            Assert.True(m.ReadoutSchema.TryFind(standard[i], out int index) && index == 2 * i, $"{preset}: {standard[i]} at {index}, not {2 * i}");
            Assert.Contains(", " + label[i] + " ", rate.Description, StringComparison.Ordinal);
            Assert.Contains(", " + label[i] + " ", m.ReadoutSchema.Channels[2 * i + 1].Description, StringComparison.Ordinal);
        }
        // The classes absent from the circuit are not claimed.
        foreach (string other in new[] { ReadoutNames.PyramidalRateHz, ReadoutNames.PvRateHz, ReadoutNames.SomRateHz }.Except(standard))
        {
            Assert.False(m.ReadoutSchema.TryFind(other, out _), $"{preset} claims {other}");
        }
    }

    [Fact]
    public void Schema_ClassFollowsTheCellNotTheOrderOrName()
    {
        // A circuit built from the presets' cells under other names and in another order: LTS first, then RS, then FS.
        var p = new MeanFieldParameters
        {
            Populations = [MeanFieldPresets.LowThresholdSpiking with { Name = "martinotti" }, MeanFieldPresets.RegularSpiking with { Name = "pyr" },
                MeanFieldPresets.FastSpiking with { Name = "basket" }],
            Weights = [0, 4, 0, 8, 16, 16, 0, 4, 4],
            ConductanceNs = 1,
        };
        var schema = new MeanFieldModel(p).ReadoutSchema;
        Assert.True(schema.TryFind(ReadoutNames.SomRateHz, out int som) && schema.Channels[som].Name == "martinotti_rate_hz");
        Assert.True(schema.TryFind(ReadoutNames.PyramidalRateHz, out int pyr) && schema.Channels[pyr].Name == "pyr_rate_hz");
        Assert.True(schema.TryFind(ReadoutNames.PvRateHz, out int pv) && schema.Channels[pv].Name == "basket_rate_hz");
        // An undefined role is refused, not filed under some class.
        var bad = p with { Populations = [MeanFieldPresets.RegularSpiking with { Role = (PopulationRole)7 }], Weights = [1] };
        Assert.Throws<ArgumentException>(() => new MeanFieldModel(bad));
    }

    [Fact]
    public void FromPreset_Unknown_Throws() => Assert.Throws<ArgumentException>(() => MeanFieldModel.FromPreset("wilson-cowan"));
}
