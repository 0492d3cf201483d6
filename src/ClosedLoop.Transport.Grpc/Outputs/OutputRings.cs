using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;

namespace ClosedLoop.Transport.Grpc.Outputs;

/// <summary>The rings the Outputs service streams from (either may be absent: its RPC then answers UNAVAILABLE).</summary>
/// <param name="Outputs">Output frames written by the loop.</param>
/// <param name="Telemetry">Telemetry frames written by the loop.</param>
/// <param name="Schema">The readout schema of the model whose telemetry the ring carries (sent on each subscription's first frame).</param>
/// <param name="IdlePoll">How long a subscriber waits before looking again when its ring is empty (default 1 ms).</param>
public sealed record OutputRings(
    BroadcastRing<OutputFrame>? Outputs,
    BroadcastRing<TelemetryFrame>? Telemetry,
    ReadoutSchema? Schema,
    TimeSpan IdlePoll);
