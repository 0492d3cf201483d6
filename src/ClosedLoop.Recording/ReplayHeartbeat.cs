using ClosedLoop.Core.Outputs;

namespace ClosedLoop.Recording;

/// <summary>A device heartbeat that reports the recorded acknowledgement of the step being replayed.</summary>
public sealed class ReplayHeartbeat : IDeviceHeartbeat
{
    /// <summary>Set by the replay before each step (<see cref="RecordedTiming.DeviceAckTicks"/>); <see cref="long.MinValue"/> = none yet.</summary>
    public long LastAcknowledgedTicks { get; set; } = long.MinValue;
}
