using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Runtime.Readout;
using ClosedLoop.Runtime.Safety;
using Xunit;

namespace ClosedLoop.Runtime.Tests.Readout;

public class OutputMapperTests
{
    private static readonly ChannelLimits s_wide = new() { Min = -1000, Max = 1000 };

    [Fact]
    public void Map_LinearWithClamp_PerChannel()
    {
        var m = new OutputMapper(
        [
            new OutputChannelConfig { Kind = ChannelKind.AmplitudeUa, Source = ReadoutSource.PyramidalRate, Scale = 2, Offset = 1, MapMin = 0, MapMax = 50, Limits = s_wide },
            new OutputChannelConfig { Kind = ChannelKind.Setpoint, Source = ReadoutSource.Gain, Scale = -3, Offset = 10, Limits = s_wide },
            new OutputChannelConfig { Kind = ChannelKind.OnOff, Source = ReadoutSource.BurstFraction, OnThreshold = 0.2, Limits = s_wide },
            new OutputChannelConfig { Kind = ChannelKind.PulseWidthUs, Source = ReadoutSource.Constant, Offset = 90, Limits = s_wide },
        ]);
        var f = default(OutputFrame);
        m.Map(new CircuitReadout(1, 10f, 0, 0, 0.1f, 1.5f, 0), ref f);
        Assert.Equal(4, f.ChannelCount);
        Assert.Equal(21f, f.Values[0]);
        Assert.Equal(5.5f, f.Values[1]);
        Assert.Equal(0f, f.Values[2]);
        Assert.Equal(90f, f.Values[3]);
        m.Map(new CircuitReadout(1, 40f, 0, 0, 0.3f, 0f, 0), ref f);
        Assert.Equal(50f, f.Values[0]); // 81 clamped to map_max
        Assert.Equal(1f, f.Values[2]);
    }

    [Fact]
    public void Map_NaNReadout_StaysNaNForTheGovernor()
    {
        var m = new OutputMapper([new OutputChannelConfig { Kind = ChannelKind.AmplitudeUa, MapMin = 0, MapMax = 10, Limits = s_wide }]);
        var f = default(OutputFrame);
        m.Map(new CircuitReadout(1, float.NaN, 0, 0, 0, 1, 0), ref f);
        Assert.True(float.IsNaN(f.Values[0]));
    }
}
