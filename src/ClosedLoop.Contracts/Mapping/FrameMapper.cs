using ClosedLoop.Core.Outputs;
using Wire = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Contracts.Mapping;

/// <summary>Maps output frames and safety states between Core structs and wire messages (telemetry: <see cref="TelemetryMapper"/>).</summary>
public static class FrameMapper
{
    /// <summary>Core safety state to the wire enum (shifted by one: 0 is unspecified on the wire).</summary>
    public static Wire.SafetyState ToWire(SafetyState s) => (Wire.SafetyState)((int)s + 1);

    /// <summary>Wire safety state to Core; unspecified or unknown values map to the safe <see cref="SafetyState.Disarmed"/>.</summary>
    public static SafetyState FromWire(Wire.SafetyState s) =>
        s is >= Wire.SafetyState.Armed and <= Wire.SafetyState.Estop ? (SafetyState)((int)s - 1) : SafetyState.Disarmed;

    /// <summary>Output frame to a wire message; <paramref name="lost"/> is the subscriber's cumulative loss.</summary>
    public static Wire.OutputFrame ToWire(in OutputFrame f, ulong lost = 0)
    {
        var m = new Wire.OutputFrame
        {
            Step = f.Step,
            MonoNs = MonoNanos.FromTicks(f.Ticks),
            InputSequence = f.InputSequence,
            InputArrivalMonoNs = MonoNanos.FromTicks(f.InputArrivalTicks),
            Safety = ToWire(f.Safety),
            InterventionMask = f.InterventionMask,
            Lost = lost,
        };
        int n = Math.Clamp(f.ChannelCount, 0, OutputFrame.MaxChannels);
        ReadOnlySpan<float> values = f.Values;
        for (int i = 0; i < n; i++)
        {
            m.Values.Add(values[i]);
        }
        return m;
    }

    /// <summary>Fill an existing wire message (publishers reuse one, so steady publishing allocates nothing).</summary>
    public static void CopyToWire(in OutputFrame f, ulong lost, Wire.OutputFrame m)
    {
        ArgumentNullException.ThrowIfNull(m);
        m.Step = f.Step;
        m.MonoNs = MonoNanos.FromTicks(f.Ticks);
        m.InputSequence = f.InputSequence;
        m.InputArrivalMonoNs = MonoNanos.FromTicks(f.InputArrivalTicks);
        m.Safety = ToWire(f.Safety);
        m.InterventionMask = f.InterventionMask;
        m.Lost = lost;
        m.Values.Clear();
        int n = Math.Clamp(f.ChannelCount, 0, OutputFrame.MaxChannels);
        ReadOnlySpan<float> values = f.Values;
        for (int i = 0; i < n; i++)
        {
            m.Values.Add(values[i]);
        }
    }

    /// <summary>Wire message to an output frame; channels beyond <see cref="OutputFrame.MaxChannels"/> are dropped.</summary>
    public static OutputFrame FromWire(Wire.OutputFrame m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var f = new OutputFrame
        {
            Step = m.Step,
            Ticks = MonoNanos.ToTicks(m.MonoNs),
            InputSequence = m.InputSequence,
            InputArrivalTicks = MonoNanos.ToTicks(m.InputArrivalMonoNs),
            ChannelCount = Math.Min(m.Values.Count, OutputFrame.MaxChannels),
            Safety = FromWire(m.Safety),
            InterventionMask = (byte)m.InterventionMask,
        };
        Span<float> values = f.Values;
        for (int i = 0; i < f.ChannelCount; i++)
        {
            values[i] = m.Values[i];
        }
        return f;
    }
}
