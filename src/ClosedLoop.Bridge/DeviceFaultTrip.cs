using System.Globalization;
using System.Text;
using ClosedLoop.Bridge.Protocol;

namespace ClosedLoop.Bridge;

/// <summary>
/// A device fault that withheld the governor's heartbeat (a fault of <see cref="BridgeDeviceOptions.TripOnFaults"/>
/// reported while no earlier one held it): which fault bits, and the device's own refused-frame counters from the
/// same heartbeat. One per episode: faults reported while the heartbeat is already withheld extend the episode.
/// </summary>
/// <param name="Tripped">The trip faults of the heartbeat (a subset of <see cref="BridgeDeviceOptions.TripOnFaults"/>).</param>
/// <param name="Reported">Every fault bit of that heartbeat.</param>
/// <param name="OutputsStale">The device's <c>outputs_stale</c>: output frames it refused as stale since it started.</param>
/// <param name="FramesBad">The device's <c>frames_bad</c>: frames it rejected (CRC, framing, length) since it started.</param>
/// <param name="FramesLost">The device's <c>frames_lost</c>: host frames missing from the sequence since it started.</param>
/// <param name="DeviceTimeUs">The device's clock in that heartbeat, us.</param>
/// <param name="HostTicks">When the heartbeat arrived (monotonic ticks).</param>
/// <param name="Episode">1 for the first trip of this device, 2 for the second, ...</param>
public sealed record DeviceFaultTrip(Faults Tripped, Faults Reported, long OutputsStale, long FramesBad, long FramesLost,
    ulong DeviceTimeUs, long HostTicks, long Episode)
{
    /// <summary>The device's own names of the bits of <paramref name="faults"/> (the firmware's <c>BP_FAULTS_*</c>,
    /// e.g. "STALE_OUTPUT+SEQ_GAP"), "none" for no bit.</summary>
    public static string Names(Faults faults)
    {
        if (faults == Faults.None)
        {
            return "none";
        }
        var sb = new StringBuilder();
        foreach (var (bit, name) in s_names)
        {
            if ((faults & bit) != 0)
            {
                sb.Append(sb.Length > 0 ? "+" : "").Append(name);
            }
        }
        uint unknown = (uint)faults & ~s_names.Aggregate(0u, (a, n) => a | (uint)n.Bit);
        if (unknown != 0)
        {
            sb.Append(sb.Length > 0 ? "+" : "").Append(CultureInfo.InvariantCulture, $"0x{unknown:x}");
        }
        return sb.ToString();
    }

    /// <summary>What a trip fault means, in words.</summary>
    public static string Meaning(Faults fault) => fault switch
    {
        Faults.StaleOutput => "the device refused output frames older than max_frame_age_ms by their stamp (queued while it or the link stalled)",
        Faults.SeqGap => "host frames were lost on the link (a gap in their sequence numbers)",
        Faults.BufferFull => "the device's receive buffer overflowed (frames arrived faster than it read them)",
        Faults.BadFrame => "the device rejected a corrupt frame (CRC or framing)",
        _ => "the device reported " + Names(fault),
    };

    /// <summary>One line: the fault names, what the first means, and the device's counters.</summary>
    public string Describe()
    {
        var first = s_names.FirstOrDefault(n => (Tripped & n.Bit) != 0).Bit;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Names(Tripped)}: {Meaning(first == Faults.None ? Tripped : first)}; device counters outputs_stale {OutputsStale}, frames_bad {FramesBad}, frames_lost {FramesLost}");
    }

    // In the order a reader should see them: the cause of most trips first.
    private static readonly (Faults Bit, string Name)[] s_names =
    [
        (Faults.StaleOutput, "STALE_OUTPUT"), (Faults.SeqGap, "SEQ_GAP"), (Faults.BufferFull, "BUFFER_FULL"),
        (Faults.BadFrame, "BAD_FRAME"), (Faults.HostTimeout, "HOST_TIMEOUT"), (Faults.LimitClamp, "LIMIT_CLAMP"),
        (Faults.Estop, "ESTOP"), (Faults.NotReady, "NOT_READY"), (Faults.BadVersion, "BAD_VERSION"),
    ];
}
