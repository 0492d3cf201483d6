using ClosedLoop.Core.Configuration;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Readout;
using ClosedLoop.Runtime.Safety;

namespace ClosedLoop.Runtime;

/// <summary>Everything the runtime needs: loop timing, output channels (readout map and limits), stimulators, watchdog.</summary>
public sealed record RuntimeConfig
{
    /// <summary>Loop timing and scheduling.</summary>
    public LoopConfig Loop { get; init; } = new();

    /// <summary>Output channels, 1 to <see cref="OutputFrame.MaxChannels"/>.</summary>
    public IReadOnlyList<OutputChannelConfig> Channels { get; init; } = [];

    /// <summary>Stimulators (cross-channel charge and duty-cycle limits).</summary>
    public IReadOnlyList<StimulationLimits> Stimulators { get; init; } = [];

    /// <summary>Watchdog limits.</summary>
    public WatchdogConfig Watchdog { get; init; } = new();

    /// <summary>Check every field; throws <see cref="ConfigException"/> naming the first bad one.</summary>
    public void Validate()
    {
        var l = Loop;
        Check(l.StepRateHz is >= 1 and <= 20000, "loop.step_rate_hz", $"{l.StepRateHz} is outside 1..20000 Hz");
        Check(l.Substeps is >= 1 and <= 1000, "loop.substeps", $"{l.Substeps} is outside 1..1000");
        Check(l.SpinMarginUs is >= 0 and <= 100000, "loop.spin_margin_us", $"{l.SpinMarginUs} is outside 0..100000 us");
        Check(l.WarmUpMs is >= 0 and <= 60000, "loop.warm_up_ms", $"{l.WarmUpMs} is outside 0..60000 ms");
        Check(l.NoGcRegionMb is >= 0 and <= 16384, "loop.no_gc_region_mb", $"{l.NoGcRegionMb} is outside 0..16384 MiB");
        Check(l.MaxCatchUpSteps >= 1, "loop.max_catch_up_steps", $"{l.MaxCatchUpSteps} must be at least 1");
        Check(l.CpuCore >= -1 || l.CpuCore == LoopConfig.Auto, "loop.cpu_core", $"{l.CpuCore} must be -1 (no pinning), \"auto\" or a CPU index");
        Check(l.RealtimePriority is >= 0 and <= 99 || l.RealtimePriority == LoopConfig.Auto, "loop.realtime_priority", $"{l.RealtimePriority} is outside 0..99 (or \"auto\")");
        Check(Enum.IsDefined(l.Wait), "loop.wait", $"{l.Wait} is not sleep or spin");
        // A thread that never sleeps must own its core: unpinned it would take a core the scheduler moves it around on.
        Check(l.Wait != LoopWait.Spin || l.CpuCore != -1, "loop.wait",
            "\"spin\" needs a pinned core: set loop.cpu_core to a CPU index or \"auto\" (the loop busy-waits its whole period on that core)");
        Check(l.RingCapacity is >= 2 and <= 1 << 20, "loop.ring_capacity", $"{l.RingCapacity} is outside 2..1048576 slots");
        Check(Channels.Count is >= 1 and <= OutputFrame.MaxChannels, "channels", $"{Channels.Count} channels; expected 1..{OutputFrame.MaxChannels}");
        for (int i = 0; i < Channels.Count; i++)
        {
            ValidateChannel(Channels[i], $"channels[{i}]");
        }
        for (int g = 0; g < Stimulators.Count; g++)
        {
            ValidateStimulator(Stimulators[g], $"stimulators[{g}]");
        }
        var w = Watchdog;
        // Watchdogs are always on: each timeout is adjustable only within (0, ceiling] (SafetyCeilings).
        Check(w.StaleInputMs is > 0 and <= SafetyCeilings.MaxStaleInputMs, "watchdog.stale_input_ms", $"{w.StaleInputMs} is outside (0, {SafetyCeilings.MaxStaleInputMs}] ms (the watchdog cannot be switched off)");
        Check(w.MaxOverrunStreak is >= 0 and <= SafetyCeilings.MaxOverrunStreak, "watchdog.max_overrun_streak", $"{w.MaxOverrunStreak} is outside 0..{SafetyCeilings.MaxOverrunStreak} steps (the watchdog cannot be switched off)");
        Check(w.DeviceHeartbeatTimeoutMs is > 0 and <= SafetyCeilings.MaxDeviceHeartbeatTimeoutMs, "watchdog.device_heartbeat_timeout_ms", $"{w.DeviceHeartbeatTimeoutMs} is outside (0, {SafetyCeilings.MaxDeviceHeartbeatTimeoutMs}] ms (the watchdog cannot be switched off)");
        Check(w.RearmDelayMs is >= 0 and <= SafetyCeilings.MaxRearmDelayMs, "watchdog.rearm_delay_ms", $"{w.RearmDelayMs} is outside 0..{SafetyCeilings.MaxRearmDelayMs} ms");
        for (int i = 0; i < Channels.Count; i++)
        {
            bool stimulated = false;
            foreach (var s in Stimulators)
            {
                stimulated |= s.AmplitudeChannel == i;
            }
            // An amplitude channel outside every stimulator would escape the charge and duty-cycle limits.
            Check(Channels[i].Kind != ChannelKind.AmplitudeUa || stimulated, $"channels[{i}]",
                "an amplitude channel must belong to a [[stimulator]] (charge per phase and duty-cycle limits cannot be dropped)");
        }
    }

    private static void ValidateChannel(OutputChannelConfig c, string at)
    {
        Check(double.IsFinite(c.Scale), $"{at}.scale", $"{c.Scale} must be finite");
        Check(double.IsFinite(c.Offset), $"{at}.offset", $"{c.Offset} must be finite");
        Check(!double.IsNaN(c.MapMin) && !double.IsNaN(c.MapMax) && c.MapMax >= c.MapMin, $"{at}.map_max", $"{c.MapMax} must be >= map_min ({c.MapMin})");
        var l = c.Limits;
        if (l is null)
        {
            ConfigException.Throw($"{at}.limits", "every channel needs safety limits");
        }
        Check(double.IsFinite(l.Min), $"{at}.limits.min", $"{l.Min} must be finite");
        Check(double.IsFinite(l.Max), $"{at}.limits.max", $"{l.Max} must be finite");
        Check(l.Max >= l.Min, $"{at}.limits.max", $"{l.Max} is below limits.min ({l.Min})");
        // The safe state is "output off": a channel that delivers stimulation has no configurable safe level.
        bool delivers = c.Kind is ChannelKind.AmplitudeUa or ChannelKind.PulseRateHz or ChannelKind.OnOff;
        Check(!delivers || l.SafeLevel == 0, $"{at}.limits.safe_level", $"{l.SafeLevel} is not allowed: the safe level of a {c.Kind} channel is its off value, 0");
        Check(c.Kind != ChannelKind.AmplitudeUa || Math.Max(Math.Abs(l.Min), Math.Abs(l.Max)) <= SafetyCeilings.MaxAmplitudeUa,
            $"{at}.limits.max", $"[{l.Min}, {l.Max}] uA exceeds the hard ceiling of {SafetyCeilings.MaxAmplitudeUa} uA");
        Check(c.Kind != ChannelKind.PulseWidthUs || l.Max <= SafetyCeilings.MaxPulseWidthUs,
            $"{at}.limits.max", $"{l.Max} us exceeds the hard ceiling of {SafetyCeilings.MaxPulseWidthUs} us per phase");
        Check(c.Kind != ChannelKind.PulseRateHz || l.Max <= SafetyCeilings.MaxPulseRateHz,
            $"{at}.limits.max", $"{l.Max} Hz exceeds the hard ceiling of {SafetyCeilings.MaxPulseRateHz} Hz");
        Check(l.SafeLevel >= l.Min && l.SafeLevel <= l.Max, $"{at}.limits.safe_level", $"{l.SafeLevel} is outside [{l.Min}, {l.Max}]");
        Check(l.MaxSlewPerSecond > 0, $"{at}.limits.max_slew_per_second", $"{l.MaxSlewPerSecond} must be positive");
        bool nonNegative = c.Kind is ChannelKind.PulseRateHz or ChannelKind.PulseWidthUs or ChannelKind.OnOff;
        Check(!nonNegative || l.Min >= 0, $"{at}.limits.min", $"{l.Min} must be >= 0 for a {c.Kind} channel");
        Check(c.Kind != ChannelKind.OnOff || l.Max <= 1, $"{at}.limits.max", $"{l.Max} must be <= 1 for an on/off channel");
    }

    private void ValidateStimulator(StimulationLimits s, string at)
    {
        CheckChannel(s.AmplitudeChannel, ChannelKind.AmplitudeUa, $"{at}.amplitude_channel", required: true);
        CheckChannel(s.PulseWidthChannel, ChannelKind.PulseWidthUs, $"{at}.pulse_width_channel", required: true);
        CheckChannel(s.PulseRateChannel, ChannelKind.PulseRateHz, $"{at}.pulse_rate_channel", required: false);
        Check(s.MaxChargePerPhaseNc is > 0 and <= SafetyCeilings.MaxChargePerPhaseNc, $"{at}.max_charge_per_phase_nc", $"{s.MaxChargePerPhaseNc} is outside (0, {SafetyCeilings.MaxChargePerPhaseNc}] nC (hard ceiling)");
        Check(s.MaxDutyCycle is > 0 and <= SafetyCeilings.MaxDutyCycle, $"{at}.max_duty_cycle", $"{s.MaxDutyCycle} is outside (0, {SafetyCeilings.MaxDutyCycle}] (hard ceiling)");
        Check(s.PhasesPerPulse is >= 1 and <= 4, $"{at}.phases_per_pulse", $"{s.PhasesPerPulse} is outside 1..4");
        Check(s.FixedPulseRateHz is >= 0 and <= SafetyCeilings.MaxPulseRateHz, $"{at}.fixed_pulse_rate_hz", $"{s.FixedPulseRateHz} is outside 0..{SafetyCeilings.MaxPulseRateHz} Hz (hard ceiling)");
        Check(s.PulseRateChannel >= 0 || s.FixedPulseRateHz > 0, $"{at}.fixed_pulse_rate_hz",
            "must be > 0 when the stimulator has no pulse_rate_channel (the duty-cycle limit needs the rate)");
        var amp = Channels[s.AmplitudeChannel].Limits!;
        var width = Channels[s.PulseWidthChannel].Limits!;
        double safeCharge = Math.Abs(amp.SafeLevel) * width.SafeLevel / 1000;
        Check(safeCharge <= s.MaxChargePerPhaseNc, $"{at}.max_charge_per_phase_nc", $"the safe levels give {safeCharge} nC per phase, above the limit {s.MaxChargePerPhaseNc}");
        double safeRate = s.PulseRateChannel >= 0 ? Channels[s.PulseRateChannel].Limits!.SafeLevel : s.FixedPulseRateHz;
        double safeDuty = safeRate * width.SafeLevel * 1e-6 * s.PhasesPerPulse;
        Check(safeDuty <= s.MaxDutyCycle, $"{at}.max_duty_cycle", $"the safe levels give a duty cycle of {safeDuty}, above the limit {s.MaxDutyCycle}");
    }

    private void CheckChannel(int index, ChannelKind kind, string field, bool required)
    {
        if (index == -1 && !required)
        {
            return;
        }
        Check(index >= 0 && index < Channels.Count, field, $"{index} is not a channel index (0..{Channels.Count - 1})");
        Check(Channels[index].Kind == kind, field, $"channel {index} is {Channels[index].Kind}; expected {kind}");
    }

    private static void Check(bool ok, string field, string message)
    {
        if (!ok)
        {
            ConfigException.Throw(field, message);
        }
    }
}
