using ClosedLoop.Core.Models;

namespace ClosedLoop.Core.Outputs;

/// <summary>
/// Frames for warming sinks and publishers before the loop's clock starts (<see cref="ISink.WarmUp"/>): shaped like the
/// loop's (its channel count and readout size), cycling through every <see cref="SafetyState"/>, with channel values
/// from zero up to <c>ceiling</c> and intervention bits set on some, so the armed and the safe paths both run.
/// </summary>
public static class ScratchFrames
{
    /// <summary><paramref name="count"/> output frames of <paramref name="channels"/> channels, values in [0, <paramref name="ceiling"/>].</summary>
    public static OutputFrame[] Outputs(int channels, int count, float ceiling, long ticks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channels);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, OutputFrame.MaxChannels);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var frames = new OutputFrame[count];
        for (int i = 0; i < count; i++)
        {
            ref var f = ref frames[i];
            f.Step = i;
            f.Ticks = ticks + i;
            f.InputSequence = (ulong)i;
            f.InputArrivalTicks = ticks + i;
            f.ChannelCount = channels;
            f.Safety = (SafetyState)(i % 4);
            f.InterventionMask = (byte)(i % 3 == 0 ? 1 : 0);
            for (int c = 0; c < channels; c++)
            {
                f.Values[c] = f.Safety == SafetyState.Armed ? ceiling * ((i + c) % 8) / 7f : 0f;
            }
        }
        return frames;
    }

    /// <summary><paramref name="count"/> telemetry frames whose readout holds <paramref name="readoutValues"/> values.</summary>
    public static TelemetryFrame[] Telemetry(int readoutValues, int count, long ticks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var frames = new TelemetryFrame[count];
        for (int i = 0; i < count; i++)
        {
            ref var t = ref frames[i];
            t.Step = i;
            t.Ticks = ticks + i;
            t.LatenessUs = i % 7;
            t.ComputeUs = 100 + i % 13;
            t.Arousal = i % 5 == 4 ? float.NaN : 0.1f * (i % 10);
            t.Readout = ModelReadout.Empty(Math.Min(readoutValues, ModelReadout.MaxValues), i);
            t.Safety = (SafetyState)(i % 4);
            t.InputToOutputUs = i % 2 == 0 ? float.NaN : 500;
        }
        return frames;
    }
}
