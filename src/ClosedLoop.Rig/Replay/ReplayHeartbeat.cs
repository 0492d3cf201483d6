using ClosedLoop.Runtime.Sinks;

namespace ClosedLoop.Rig.Replay;

/// <summary>The device heartbeat as recorded, step by step.</summary>
internal sealed class ReplayHeartbeat : IDeviceHeartbeat
{
    public long LastAcknowledgedTicks { get; set; } = long.MinValue;
}
