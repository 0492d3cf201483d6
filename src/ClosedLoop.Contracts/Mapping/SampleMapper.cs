using ClosedLoop.Core.Ingest;
using Wire = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Contracts.Mapping;

/// <summary>Maps arousal samples between the wire (<see cref="Wire.ArousalSample"/>) and Core (<see cref="ArousalSample"/>).</summary>
public static class SampleMapper
{
    /// <summary>
    /// Set every field of a reused wire sample back to its proto3 default (a decoder that fills a reused message
    /// only writes the fields present on the wire). Allocation-free.
    /// </summary>
    public static void ResetToDefaults(Wire.ArousalSample m)
    {
        ArgumentNullException.ThrowIfNull(m);
        m.Value = 0;
        m.Confidence = 0;
        m.Channel = 0;
        m.Kind = 0;
        m.SourceTimeS = 0;
        m.ArrivalMonoNs = 0;
        m.Sequence = 0;
        m.SessionId = 0;
    }

    /// <summary>Core sample to a wire message (arrival ticks become nanoseconds).</summary>
    public static Wire.ArousalSample ToWire(in ArousalSample sample) => new()
    {
        Value = sample.Value,
        Confidence = sample.Confidence,
        Channel = sample.Channel,
        Kind = (Wire.SourceKind)(int)sample.Kind,
        SourceTimeS = sample.SourceTimeSeconds,
        ArrivalMonoNs = MonoNanos.FromTicks(sample.ArrivalTicks),
        Sequence = sample.Sequence,
    };

    /// <summary>
    /// Wire message to a Core sample stamped with <paramref name="arrivalTicks"/>. Returns false when a field
    /// cannot be represented in Core (channel over 255, unknown source kind).
    /// </summary>
    public static bool TryFromWire(Wire.ArousalSample message, long arrivalTicks, out ArousalSample sample, out string? error)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Channel > byte.MaxValue)
        {
            sample = default;
            error = $"channel {message.Channel} out of range 0..255";
            return false;
        }
        if (!Enum.IsDefined((ArousalSourceKind)(int)message.Kind) || (int)message.Kind > byte.MaxValue)
        {
            sample = default;
            error = $"unknown source kind {(int)message.Kind}";
            return false;
        }
        sample = new ArousalSample(
            message.Value,
            message.Confidence,
            (byte)message.Channel,
            (ArousalSourceKind)(int)message.Kind,
            message.SourceTimeS,
            arrivalTicks,
            message.Sequence);
        error = null;
        return true;
    }
}
