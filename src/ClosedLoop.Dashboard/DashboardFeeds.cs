using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Control;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;

namespace ClosedLoop.Dashboard;

/// <summary>
/// What the dashboard is connected to: the loop's telemetry and output rings (it adds one reader to each),
/// the readout schema, the same <see cref="ILoopControl"/> the gRPC Control service drives, and a probe for
/// channel limits, ingest and governor counters.
/// </summary>
public sealed record DashboardFeeds(
    BroadcastRing<TelemetryFrame> Telemetry,
    BroadcastRing<OutputFrame> Outputs,
    ReadoutSchema Schema,
    ILoopControl Control,
    IDashboardProbe Probe);
