using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;

namespace ClosedLoop.Core.Outputs;

/// <summary>
/// Where governed output frames go (a simulated device, a network stream, the firmware bridge). A sink reads
/// the loop's output ring at its own pace on its own thread or task; it may block and allocate, the loop never
/// waits for it. A sink that falls behind loses the oldest frames (counted by its reader).
/// </summary>
public interface ISink : IAsyncDisposable
{
    /// <summary>Short name for status lines ("simulated", "zmq:tcp://127.0.0.1:5560", ...).</summary>
    string Name { get; }

    /// <summary>Frames this sink received so far.</summary>
    long FramesReceived { get; }

    /// <summary>Consume frames from <paramref name="frames"/> until cancelled.</summary>
    Task RunAsync(BroadcastRingReader<OutputFrame> frames, CancellationToken cancellationToken);

    /// <summary>
    /// Warm start (docs/runtime.md, "Warm start"): run this sink's real send path (mapping, encoding, clamping) on the
    /// <paramref name="scratch"/> frames so the JIT compiles it before the loop's clock starts, without touching the real
    /// device, socket, recording or any of this sink's counters (<see cref="FramesReceived"/> stays as it was). Called
    /// once by the session before the loop starts, on the session's thread; may allocate and block briefly. Default:
    /// nothing to warm.
    /// </summary>
    /// <param name="scratch">Frames shaped like the loop's (its channel count; armed and safe states), see <see cref="ScratchFrames"/>.</param>
    void WarmUp(ReadOnlySpan<OutputFrame> scratch)
    {
    }
}
