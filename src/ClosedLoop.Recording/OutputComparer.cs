using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;

namespace ClosedLoop.Recording;

/// <summary>
/// Bit-exact comparison of output frames. Compared: channel count, every channel's float bits (all
/// <see cref="OutputFrame.MaxChannels"/>, so -0 differs from +0 and NaN payloads count), safety state,
/// intervention mask, input sequence and input arrival ticks. Not compared: <see cref="OutputFrame.Ticks"/>
/// (wall-clock production time, which replay does not reproduce).
/// </summary>
public static class OutputComparer
{
    /// <summary>Find the first differing field; false if the frames are equal bit for bit.</summary>
    public static bool TryFindDifference(in OutputFrame recorded, in OutputFrame replayed, out ReplayDivergence divergence)
    {
        long step = recorded.Step;
        if (recorded.ChannelCount != replayed.ChannelCount)
        {
            divergence = Integer(step, "channel_count", recorded.ChannelCount, replayed.ChannelCount);
            return true;
        }
        for (int i = 0; i < OutputFrame.MaxChannels; i++)
        {
            uint a = BitConverter.SingleToUInt32Bits(recorded.Values[i]);
            uint b = BitConverter.SingleToUInt32Bits(replayed.Values[i]);
            if (a != b)
            {
                divergence = new ReplayDivergence(step, "channel", i, recorded.Values[i], replayed.Values[i], a, b);
                return true;
            }
        }
        if (recorded.Safety != replayed.Safety)
        {
            divergence = Integer(step, "safety", (long)recorded.Safety, (long)replayed.Safety);
            return true;
        }
        if (recorded.InterventionMask != replayed.InterventionMask)
        {
            divergence = Integer(step, "intervention_mask", recorded.InterventionMask, replayed.InterventionMask);
            return true;
        }
        if (recorded.InputSequence != replayed.InputSequence)
        {
            divergence = Integer(step, "input_sequence", (long)recorded.InputSequence, (long)replayed.InputSequence);
            return true;
        }
        if (recorded.InputArrivalTicks != replayed.InputArrivalTicks)
        {
            divergence = Integer(step, "input_arrival_ticks", recorded.InputArrivalTicks, replayed.InputArrivalTicks);
            return true;
        }
        divergence = default;
        return false;
    }

    internal static bool Single(long step, string field, float recorded, float replayed, out ReplayDivergence divergence)
    {
        uint a = BitConverter.SingleToUInt32Bits(recorded), b = BitConverter.SingleToUInt32Bits(replayed);
        divergence = a != b ? new ReplayDivergence(step, field, -1, recorded, replayed, a, b) : default;
        return a != b;
    }

    internal static ReplayDivergence Integer(long step, string field, long recorded, long replayed) =>
        new(step, field, -1, recorded, replayed, (ulong)recorded, (ulong)replayed);
}
