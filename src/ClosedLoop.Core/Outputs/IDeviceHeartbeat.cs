namespace ClosedLoop.Core.Outputs;

/// <summary>A device's liveness as the safety governor sees it: the last time the device acknowledged a frame.</summary>
public interface IDeviceHeartbeat
{
    /// <summary>Monotonic ticks of the last acknowledgement, or <see cref="long.MinValue"/> if none yet. Must be wait-free and free of side effects (read every step, and during the loop's warm-up).</summary>
    long LastAcknowledgedTicks { get; }
}
