using ClosedLoop.Bridge.Links;
using ClosedLoop.Core.Configuration;
using ClosedLoop.Devices;
using ClosedLoop.Devices.Firmata;
using ClosedLoop.Devices.PulsePal;
using ClosedLoop.Devices.Serial;
using ClosedLoop.Runtime;
using ClosedLoop.Runtime.Readout;

namespace ClosedLoop.Rig.Config;

/// <summary>Checks and builds the device sinks users own: <c>pulse-pal</c>, <c>firmata</c>, <c>serial</c>.</summary>
public static class DeviceSinkConfig
{
    /// <summary>Check one device sink against the runtime config; throws <see cref="ConfigException"/> naming the field.</summary>
    public static void Validate(SinkOptions s, string at, RuntimeConfig runtime)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(runtime);
        if (string.IsNullOrWhiteSpace(s.Port))
        {
            ConfigException.Throw(at + ".port", "missing; a device sink needs its serial device, e.g. /dev/ttyACM0");
        }
        if (s.Baud != 0)
        {
            try
            {
                _ = PosixTty.SpeedCode(s.Baud);
            }
            catch (ArgumentOutOfRangeException e)
            {
                ConfigException.Throw(at + ".baud", e.Message.Split(" (Parameter", 2)[0]);
            }
        }
        double maxRate = s.Kind == SinkKind.Serial ? 10_000 : 1000;
        if (!(s.RateHz > 0 && s.RateHz <= maxRate))
        {
            ConfigException.Throw(at + ".rate_hz", $"{s.RateHz}: expected (0, {maxRate}]");
        }
        if (s.Heartbeat && s.Kind != SinkKind.Serial && !(2000 / s.RateHz < runtime.Watchdog.DeviceHeartbeatTimeoutMs))
        {
            ConfigException.Throw(at + ".rate_hz", $"{s.RateHz} Hz acknowledges at most every {1000 / s.RateHz:G4} ms; as the heartbeat it needs two acknowledgements within watchdog.device_heartbeat_timeout_ms ({runtime.Watchdog.DeviceHeartbeatTimeoutMs})");
        }
        switch (s.Kind)
        {
            case SinkKind.PulsePal:
                ValidatePulsePal(s, at, runtime);
                break;
            case SinkKind.Firmata:
                ValidateFirmata(s, at, runtime);
                break;
            case SinkKind.Serial when s.Heartbeat:
                ConfigException.Throw(at + ".heartbeat", "a serial line sink acknowledges nothing and cannot be the heartbeat");
                break;
        }
    }

    private static void ValidatePulsePal(SinkOptions s, string at, RuntimeConfig runtime)
    {
        if (s.OutputChannel is < 1 or > 4)
        {
            ConfigException.Throw(at + ".output_channel", $"{s.OutputChannel}: Pulse Pal outputs are 1-4");
        }
        if (!(s.UaPerVolt > 0 && double.IsFinite(s.UaPerVolt)))
        {
            ConfigException.Throw(at + ".ua_per_volt", $"{s.UaPerVolt}: required, the stimulus isolator's gain in uA per volt (> 0)");
        }
        if (!(s.MaxVolts > 0 && s.MaxVolts <= PulsePalOptions.CeilingVolts))
        {
            ConfigException.Throw(at + ".max_volts", $"{s.MaxVolts}: expected (0, {PulsePalOptions.CeilingVolts}] (the Pulse Pal's full scale)");
        }
        if (!(s.TrainMs >= 100 && s.TrainMs <= 60_000))
        {
            ConfigException.Throw(at + ".train_ms", $"{s.TrainMs}: expected 100..60000 ms (how long the Pulse Pal stimulates on its own after the host died)");
        }
        if (s.Stimulator < 0 || s.Stimulator >= runtime.Stimulators.Count)
        {
            ConfigException.Throw(at + ".stimulator", $"{s.Stimulator}: there are {runtime.Stimulators.Count} [[stimulator]] tables");
        }
        var stim = runtime.Stimulators[s.Stimulator];
        var amp = runtime.Channels[stim.AmplitudeChannel].Limits!;
        // The governor's ceiling, in volts, must lie under the device's: the sink then never has to clamp.
        if (amp.Min < 0 || amp.Max / s.UaPerVolt > s.MaxVolts)
        {
            ConfigException.Throw(at + ".max_volts",
                $"the governor lets amplitude reach {amp.Max} uA = {amp.Max / s.UaPerVolt:G4} V at {s.UaPerVolt} uA/V, above max_volts {s.MaxVolts} (or its min {amp.Min} is negative); lower channel {stim.AmplitudeChannel}'s limits.max or raise ua_per_volt");
        }
        if (stim.PulseRateChannel < 0 && !(stim.FixedPulseRateHz > 0))
        {
            ConfigException.Throw($"stimulator[{s.Stimulator}].fixed_pulse_rate_hz", "a Pulse Pal stimulator needs a pulse-rate channel or a fixed rate > 0");
        }
    }

    private static void ValidateFirmata(SinkOptions s, string at, RuntimeConfig runtime)
    {
        if (s.Pins.Count == 0)
        {
            ConfigException.Throw(at + ".pins", "missing; the board pins to drive, e.g. [9, 5]");
        }
        if (s.PinModes.Count != s.Pins.Count)
        {
            ConfigException.Throw(at + ".pin_modes", $"{s.PinModes.Count} modes for {s.Pins.Count} pins; one \"servo\" or \"pwm\" per pin");
        }
        if (s.PinChannels.Count != 0 && s.PinChannels.Count != s.Pins.Count)
        {
            ConfigException.Throw(at + ".pin_channels", $"{s.PinChannels.Count} channels for {s.Pins.Count} pins; one per pin, or none (pin i follows channel i)");
        }
        if (s.Pins.Distinct().Count() != s.Pins.Count)
        {
            ConfigException.Throw(at + ".pins", "a pin is listed twice");
        }
        if (s.ServoMinPulseUs < FirmataProtocol.MinServoPulseUs || s.ServoMaxPulseUs > FirmataProtocol.MaxServoPulseUs || s.ServoMinPulseUs >= s.ServoMaxPulseUs)
        {
            ConfigException.Throw(at + ".servo_min_pulse_us", $"{s.ServoMinPulseUs}-{s.ServoMaxPulseUs} us: expected {FirmataProtocol.MinServoPulseUs} <= min < max <= {FirmataProtocol.MaxServoPulseUs}");
        }
        if (s.PwmMax is < 1 or > 16383)
        {
            ConfigException.Throw(at + ".pwm_max", $"{s.PwmMax}: expected 1..16383");
        }
        for (int i = 0; i < s.Pins.Count; i++)
        {
            if (s.Pins[i] is < 0 or > 127)
            {
                ConfigException.Throw($"{at}.pins[{i}]", $"{s.Pins[i]}: Firmata pins are 0-127");
            }
            var mode = ParseMode(s.PinModes[i], $"{at}.pin_modes[{i}]");
            int channel = s.PinChannels.Count == 0 ? i : s.PinChannels[i];
            if (channel < 0 || channel >= runtime.Channels.Count)
            {
                ConfigException.Throw($"{at}.pin_channels[{i}]", $"{channel}: there are {runtime.Channels.Count} channels");
            }
            var c = runtime.Channels[channel];
            if (c.Kind != ChannelKind.Setpoint)
            {
                ConfigException.Throw($"{at}.pin_channels[{i}]", $"channel {channel} ({c.Name}) is {c.Kind}; a Firmata pin follows a setpoint channel (servo: degrees, pwm: duty 0-1)");
            }
            double top = mode == FirmataPinMode.Servo ? 180 : 1;
            if (c.Limits!.Min < 0 || c.Limits.Max > top)
            {
                ConfigException.Throw($"channel[{channel}].limits",
                    $"[{c.Limits.Min}, {c.Limits.Max}] lies outside the {(mode == FirmataPinMode.Servo ? "servo's 0-180 degrees" : "PWM's duty 0-1")} of pin {s.Pins[i]}");
            }
        }
    }

    private static FirmataPinMode ParseMode(string mode, string at)
    {
        switch (mode)
        {
            case "servo":
                return FirmataPinMode.Servo;
            case "pwm":
                return FirmataPinMode.Pwm;
            default:
                ConfigException.Throw(at, $"'{mode}': expected \"servo\" or \"pwm\"");
                return default;
        }
    }

    /// <summary>Build the sink for a validated device sink config.</summary>
    public static Core.Outputs.ISink Create(SinkOptions s, RuntimeConfig runtime)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(runtime);
        string port = s.Port ?? throw new InvalidOperationException("a device sink needs a port");
        switch (s.Kind)
        {
            case SinkKind.PulsePal:
                var stim = runtime.Stimulators[s.Stimulator];
                return new PulsePalSink(new PulsePalOptions
                {
                    Port = port,
                    OutputChannel = s.OutputChannel,
                    AmplitudeChannel = stim.AmplitudeChannel,
                    PulseWidthChannel = stim.PulseWidthChannel,
                    PulseRateChannel = stim.PulseRateChannel,
                    FixedPulseRateHz = stim.FixedPulseRateHz,
                    Biphasic = stim.PhasesPerPulse == 2,
                    UaPerVolt = s.UaPerVolt,
                    MaxVolts = s.MaxVolts,
                    UpdateHz = s.RateHz,
                    TrainSeconds = s.TrainMs / 1000,
                    KeepaliveMs = Math.Min(10, runtime.Watchdog.DeviceHeartbeatTimeoutMs / 3),
                });
            case SinkKind.Firmata:
                return new FirmataSink(new FirmataOptions
                {
                    Port = port,
                    Baud = s.Baud == 0 ? 57600 : s.Baud,
                    Pins = s.Pins.Select((p, i) => new FirmataPin
                    {
                        Pin = (byte)p,
                        Mode = ParseMode(s.PinModes[i], "pin_modes"),
                        Channel = s.PinChannels.Count == 0 ? i : s.PinChannels[i],
                    }).ToArray(),
                    ServoMinPulseUs = s.ServoMinPulseUs,
                    ServoMaxPulseUs = s.ServoMaxPulseUs,
                    PwmMax = s.PwmMax,
                    RateHz = s.RateHz,
                    QueryIntervalMs = Math.Min(10, runtime.Watchdog.DeviceHeartbeatTimeoutMs / 3),
                });
            case SinkKind.Serial:
                return new SerialLineSink(new SerialLineOptions { Port = port, Baud = s.Baud == 0 ? 115200 : s.Baud, RateHz = s.RateHz });
            default:
                throw new ArgumentOutOfRangeException(nameof(s), $"{s.Kind} is not a device sink");
        }
    }
}
