using ClosedLoop.Core.Configuration;
using ClosedLoop.Runtime.Safety;
using Xunit;

namespace ClosedLoop.Runtime.Tests.Safety;

public class RuntimeConfigTests
{
    private static readonly RuntimeConfig s_good = RuntimeConfigPresets.SingleStimulator(1000);

    private static RuntimeConfig WithLimits(int channel, ChannelLimits limits)
    {
        var channels = s_good.Channels.ToArray();
        channels[channel] = channels[channel] with { Limits = limits };
        return s_good with { Channels = channels };
    }

    private static string FieldOf(RuntimeConfig c) => Assert.Throws<ConfigException>(c.Validate).Field;

    [Fact]
    public void Validate_Preset_Passes() => s_good.Validate();

    [Theory]
    [InlineData(-1)]
    [InlineData(60001)]
    [InlineData(double.NaN)]
    public void Validate_WarmUpOutOfRange_NamesWarmUp(double ms) =>
        Assert.Equal("loop.warm_up_ms", FieldOf(s_good with { Loop = s_good.Loop with { WarmUpMs = ms } }));

    [Fact]
    public void Validate_MaxBelowMin_NamesMax() =>
        Assert.Equal("channels[0].limits.max", FieldOf(WithLimits(0, new ChannelLimits { Min = 10, Max = 5, SafeLevel = 10 })));

    [Fact]
    public void Validate_SafeLevelOutsideLimits_NamesSafeLevel() =>
        Assert.Equal("channels[2].limits.safe_level", FieldOf(WithLimits(2, new ChannelLimits { Min = 20, Max = 400, SafeLevel = 0 })));

    [Fact]
    public void Validate_MissingLimits_NamesLimits() =>
        Assert.Equal("channels[1].limits", FieldOf(s_good with { Channels = [.. s_good.Channels.Select((c, i) => i == 1 ? c with { Limits = null } : c)] }));

    [Fact]
    public void Validate_NegativeCharge_NamesCharge()
    {
        var ex = Assert.Throws<ConfigException>(() => (s_good with { Stimulators = [s_good.Stimulators[0] with { MaxChargePerPhaseNc = -1 }] }).Validate());
        Assert.Equal("stimulators[0].max_charge_per_phase_nc", ex.Field);
        Assert.Contains("stimulators[0].max_charge_per_phase_nc", ex.Message);
    }

    [Fact]
    public void Validate_WrongChannelKindInStimulator_NamesChannelField() =>
        Assert.Equal("stimulators[0].pulse_width_channel", FieldOf(s_good with { Stimulators = [s_good.Stimulators[0] with { PulseWidthChannel = 1 }] }));

    [Theory]
    [InlineData(0.5, "loop.step_rate_hz")]
    [InlineData(25000, "loop.step_rate_hz")]
    public void Validate_StepRateOutOfRange_NamesRate(double rate, string field) =>
        Assert.Equal(field, FieldOf(s_good with { Loop = s_good.Loop with { StepRateHz = rate } }));

    [Fact]
    public void Validate_DutyAboveOne_NamesDuty() =>
        Assert.Equal("stimulators[0].max_duty_cycle", FieldOf(s_good with { Stimulators = [s_good.Stimulators[0] with { MaxDutyCycle = 1.5 }] }));

    [Fact]
    public void Validate_NonPositiveStaleLimit_NamesWatchdogField() =>
        Assert.Equal("watchdog.stale_input_ms", FieldOf(s_good with { Watchdog = new WatchdogConfig { StaleInputMs = 0 } }));

    [Fact]
    public void Validate_NoChannels_NamesChannels() =>
        Assert.Equal("channels", FieldOf(s_good with { Channels = [], Stimulators = [] }));
}
