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
}
