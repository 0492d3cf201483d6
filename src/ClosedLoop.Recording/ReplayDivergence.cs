using System.Globalization;

namespace ClosedLoop.Recording;

/// <summary>The first field in which a replayed step differs from the recorded one (output frame, then readout).</summary>
/// <param name="Step">Loop step of the frame.</param>
/// <param name="Field">
/// Output: "channel", "channel_count", "safety", "intervention_mask", "input_sequence", "input_arrival_ticks";
/// readout: "readout.time_ms", "readout.pyramidal_rate_hz", ... (see <see cref="OutputComparer"/>).
/// </param>
/// <param name="Channel">Channel index for <c>channel</c>, else -1.</param>
/// <param name="Recorded">Recorded value (a float channel value widened to double).</param>
/// <param name="Replayed">Replayed value.</param>
/// <param name="RecordedBits">Raw bits of the recorded value (IEEE-754 bits of a float or double field).</param>
/// <param name="ReplayedBits">Raw bits of the replayed value.</param>
public readonly record struct ReplayDivergence(
    long Step, string Field, int Channel, double Recorded, double Replayed, ulong RecordedBits, ulong ReplayedBits)
{
    /// <summary>One line for reports: "step 412 channel 1: recorded 0.25 (0x3E800000), replayed 0.2500001 (0x3E800001)".</summary>
    public override string ToString()
    {
        string where = Channel >= 0 ? $"channel {Channel}" : Field;
        return string.Create(CultureInfo.InvariantCulture,
            $"step {Step} {where}: recorded {Recorded:R} (0x{RecordedBits:X}), replayed {Replayed:R} (0x{ReplayedBits:X})");
    }
}
