namespace ClosedLoop.Core.Outputs;

/// <summary>A device's liveness as the safety governor sees it: the last time the device acknowledged a frame.</summary>
public interface IDeviceHeartbeat
{
    /// <summary>Monotonic ticks of the last acknowledgement, or <see cref="long.MinValue"/> if none yet. Must be wait-free (read every step).</summary>
    long LastAcknowledgedTicks { get; }
}
