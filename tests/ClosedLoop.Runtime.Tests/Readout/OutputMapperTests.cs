using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Runtime.Readout;
using ClosedLoop.Runtime.Safety;
using Xunit;
using ClosedLoop.TestSupport;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Runtime.Tests.Readout;

public class OutputMapperTests
{
    private static readonly ChannelLimits s_wide = new() { Min = -1000, Max = 1000 };

    [Fact]
    public void Map_LinearWithClamp_PerChannel()
    {
        var m = new OutputMapper(
        [
            new OutputChannelConfig { Kind = ChannelKind.AmplitudeUa, Source = "pyramidal_rate", Scale = 2, Offset = 1, MapMin = 0, MapMax = 50, Limits = s_wide },
            new OutputChannelConfig { Kind = ChannelKind.Setpoint, Source = "gain", Scale = -3, Offset = 10, Limits = s_wide },
            new OutputChannelConfig { Kind = ChannelKind.OnOff, Source = "burst_fraction", OnThreshold = 0.2, Limits = s_wide },
            new OutputChannelConfig { Kind = ChannelKind.PulseWidthUs, Source = "constant", Offset = 90, Limits = s_wide },
        ], ReadoutNames.Legacy);
        var f = default(OutputFrame);
        m.Map(Readouts.Legacy(1, 10f, 0, 0, 0.1f, 1.5f, 0), ref f);
        Assert.Equal(4, f.ChannelCount);
        Assert.Equal(21f, f.Values[0]);
        Assert.Equal(5.5f, f.Values[1]);
        Assert.Equal(0f, f.Values[2]);
        Assert.Equal(90f, f.Values[3]);
        m.Map(Readouts.Legacy(1, 40f, 0, 0, 0.3f, 0f, 0), ref f);
        Assert.Equal(50f, f.Values[0]); // 81 clamped to map_max
        Assert.Equal(1f, f.Values[2]);
    }

    [Fact]
    public void Map_NaNReadout_StaysNaNForTheGovernor()
    {
        var m = new OutputMapper([new OutputChannelConfig { Kind = ChannelKind.AmplitudeUa, MapMin = 0, MapMax = 10, Limits = s_wide }], ReadoutNames.Legacy);
        var f = default(OutputFrame);
        m.Map(Readouts.Legacy(1, float.NaN, 0, 0, 0, 1, 0), ref f);
        Assert.True(float.IsNaN(f.Values[0]));
    }

    [Fact]
    public void Constructor_SourceByNameOrAlias_ResolvesAgainstTheModelSchema()
    {
        var schema = new ReadoutSchema(
            new ReadoutChannel("excitatory_rate_hz", "Hz", "E rate", ReadoutNames.PyramidalRateHz),
            new ReadoutChannel("latent_1", "1", "latent"));
        var m = new OutputMapper(
        [
            new OutputChannelConfig { Kind = ChannelKind.Setpoint, Source = "pyramidal_rate", Limits = s_wide }, // legacy short name -> alias
            new OutputChannelConfig { Kind = ChannelKind.Setpoint, Source = "excitatory_rate_hz", Limits = s_wide },
            new OutputChannelConfig { Kind = ChannelKind.Setpoint, Source = "latent_1", Limits = s_wide },
        ], schema);
        var r = new ModelReadout { Count = 2 };
        r.Values[0] = 7f;
        r.Values[1] = -2f;
        var f = default(OutputFrame);
        m.Map(r, ref f);
        Assert.Equal([7f, 7f, -2f], new[] { f.Values[0], f.Values[1], f.Values[2] });
    }

    [Fact]
    public void Constructor_SourceTheModelDoesNotReport_ThrowsNamingFieldAndChoices()
    {
        var ex = Assert.Throws<ConfigException>(() => new OutputMapper(
            [new OutputChannelConfig { Kind = ChannelKind.Setpoint, Source = "pyramidal_rate" }, new OutputChannelConfig { Kind = ChannelKind.Setpoint, Source = "som_rate" }],
            new ReadoutSchema(new ReadoutChannel(ReadoutNames.PyramidalRateHz, "Hz", "rate"))));
        Assert.Equal("channels[1].source", ex.Field);
        Assert.Contains("pyramidal_rate_hz", ex.Message);
    }
}
