using ClosedLoop.Core.Configuration;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Runtime.Readout;
using ClosedLoop.Runtime.Safety;
using Xunit;

namespace ClosedLoop.Runtime.Tests.Safety;

/// <summary>
/// The safety contract (docs/runtime.md): safe levels are "output off", hard ceilings no config exceeds,
/// watchdogs that cannot be switched off. Each case is a config that was accepted before (issue 7, defects 2 and 3).
/// </summary>
public class SafetyContractTests
{
    private static readonly RuntimeConfig s_preset = RuntimeConfigPresets.SingleStimulator(1000);

    private static RuntimeConfig WithLimits(int channel, Func<ChannelLimits, ChannelLimits> change)
    {
        var channels = s_preset.Channels.ToArray();
        channels[channel] = channels[channel] with { Limits = change(channels[channel].Limits!) };
        return s_preset with { Channels = channels };
    }

    private static RuntimeConfig WithStimulator(Func<StimulationLimits, StimulationLimits> change) =>
        s_preset with { Stimulators = [change(s_preset.Stimulators[0])] };

    private static ConfigException Refused(RuntimeConfig c) => Assert.Throws<ConfigException>(c.Validate);

    [Theory]
    [InlineData(RuntimeConfigPresets.Amplitude, 100)] // the reported case: 100 uA delivered in every Disarmed/Tripped/EStop frame
    [InlineData(RuntimeConfigPresets.Amplitude, 1)]
    [InlineData(RuntimeConfigPresets.PulseRate, 130)]
    [InlineData(RuntimeConfigPresets.Enable, 1)]
    public void Validate_SafeLevelAboveOffOnAStimulationChannel_Refused(int channel, double safe)
    {
        var ex = Refused(WithLimits(channel, l => l with { SafeLevel = safe }));
        Assert.Equal($"channels[{channel}].limits.safe_level", ex.Field);
        Assert.Contains("off value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Governor_EveryNonArmedFrame_IsOutputOff()
    {
        // Whatever the config, a frame that is not Armed carries amplitude 0, rate 0 and stimulation off.
        var governor = new SafetyGovernor(s_preset);
        var frame = new OutputFrame { ChannelCount = 4 };
        for (int i = 0; i < 4; i++)
        {
            frame.Values[i] = 1e6f;
        }
        governor.RequestEStop();
        governor.Apply(ref frame, new WatchdogInputs(0, 1000, true, 1000, false, 0, false, long.MinValue));
        Assert.Equal(SafetyState.EStop, frame.Safety);
        Assert.Equal(0f, frame.Values[RuntimeConfigPresets.Amplitude]);
        Assert.Equal(0f, frame.Values[RuntimeConfigPresets.PulseRate]);
        Assert.Equal(0f, frame.Values[RuntimeConfigPresets.Enable]);
    }

    [Fact]
    public void Validate_ChargePerPhaseAboveCeiling_Refused()
    {
        // The reported case: 18,300 nC per phase accepted against the preset's 10.
        var ex = Refused(WithStimulator(s => s with { MaxChargePerPhaseNc = 18_300 }));
        Assert.Equal("stimulators[0].max_charge_per_phase_nc", ex.Field);
        Refused(WithStimulator(s => s with { MaxChargePerPhaseNc = SafetyCeilings.MaxChargePerPhaseNc * 1.001 }));
        WithStimulator(s => s with { MaxChargePerPhaseNc = SafetyCeilings.MaxChargePerPhaseNc }).Validate(); // tightening within it is fine
    }

    [Fact]
    public void Validate_DutyCycleAboveCeiling_Refused() =>
        Assert.Equal("stimulators[0].max_duty_cycle", Refused(WithStimulator(s => s with { MaxDutyCycle = 1 })).Field);

    [Theory]
    [InlineData(RuntimeConfigPresets.Amplitude, SafetyCeilings.MaxAmplitudeUa + 1)]
    [InlineData(RuntimeConfigPresets.PulseWidth, SafetyCeilings.MaxPulseWidthUs + 1)]
    [InlineData(RuntimeConfigPresets.PulseRate, SafetyCeilings.MaxPulseRateHz + 1)]
    public void Validate_ChannelMaxAboveCeiling_Refused(int channel, double max) =>
        Assert.Equal($"channels[{channel}].limits.max", Refused(WithLimits(channel, l => l with { Max = max })).Field);

    [Fact]
    public void Validate_NegativeAmplitudeBeyondCeiling_Refused() =>
        Assert.Equal("channels[0].limits.max", Refused(WithLimits(0, l => l with { Min = -SafetyCeilings.MaxAmplitudeUa - 1 })).Field);

    [Fact]
    public void Validate_ChargeAndDutyLimitsDropped_Refused()
    {
        // Dropping the [[stimulator]] would leave the amplitude channel without charge and duty-cycle limits.
        Assert.Equal("channels[0]", Refused(s_preset with { Stimulators = [] }).Field);
        // A stimulator without a rate channel and without a fixed rate would skip the duty-cycle check.
        Assert.Equal("stimulators[0].fixed_pulse_rate_hz", Refused(WithStimulator(s => s with { PulseRateChannel = -1, FixedPulseRateHz = 0 })).Field);
        Refused(WithStimulator(s => s with { PulseRateChannel = -1, FixedPulseRateHz = SafetyCeilings.MaxPulseRateHz + 1 }));
    }

    [Theory]
    [InlineData("watchdog.stale_input_ms")]
    [InlineData("watchdog.device_heartbeat_timeout_ms")]
    [InlineData("watchdog.max_overrun_streak")]
    [InlineData("watchdog.rearm_delay_ms")]
    public void Validate_WatchdogSwitchedOffByHugeTimeout_Refused(string field)
    {
        var w = new WatchdogConfig();
        w = field switch
        {
            "watchdog.stale_input_ms" => w with { StaleInputMs = 1e300 },
            "watchdog.device_heartbeat_timeout_ms" => w with { DeviceHeartbeatTimeoutMs = double.PositiveInfinity },
            "watchdog.max_overrun_streak" => w with { MaxOverrunStreak = int.MaxValue },
            _ => w with { RearmDelayMs = double.NaN },
        };
        Assert.Equal(field, Refused(s_preset with { Watchdog = w }).Field);
    }

    [Fact]
    public void Validate_WatchdogTimeoutsAtTheirCeilings_Accepted() =>
        (s_preset with
        {
            Watchdog = new WatchdogConfig
            {
                StaleInputMs = SafetyCeilings.MaxStaleInputMs,
                DeviceHeartbeatTimeoutMs = SafetyCeilings.MaxDeviceHeartbeatTimeoutMs,
                MaxOverrunStreak = SafetyCeilings.MaxOverrunStreak,
                RearmDelayMs = SafetyCeilings.MaxRearmDelayMs,
            },
        }).Validate();

    [Fact]
    public void Validate_SetpointChannel_KeepsAConfigurableNeutral()
    {
        // Actuator setpoints are not stimulation: their safe level is the actuator's neutral, within [min, max].
        var c = new RuntimeConfig
        {
            Channels = [new OutputChannelConfig { Kind = ChannelKind.Setpoint, Limits = new ChannelLimits { Min = -45, Max = 45, SafeLevel = 10 } }],
        };
        c.Validate();
    }
}
