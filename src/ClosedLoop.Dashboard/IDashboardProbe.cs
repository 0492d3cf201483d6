namespace ClosedLoop.Dashboard;

/// <summary>
/// What the dashboard reads besides the loop's telemetry and output rings: channel limits, ingest counters and
/// governor interventions. Implemented by the composition root; called only from the dashboard's pump thread
/// (never from the real-time thread), a few times a second.
/// </summary>
public interface IDashboardProbe
{
    /// <summary>The output channels with their limits, in channel order.</summary>
    IReadOnlyList<DashboardChannel> Channels { get; }

    /// <summary>Ingest counters now.</summary>
    IngestSnapshot ReadIngest();

    /// <summary>Governor interventions since the session started: counts per reason and the newest one.</summary>
    InterventionSnapshot ReadInterventions();
}

/// <summary>One output channel and its safety limits (channel unit).</summary>
public sealed record DashboardChannel(string Name, string Unit, double Min, double Max, double SafeLevel);

/// <summary>Ingest counters: samples received, and per error kind its count and newest detail.</summary>
public sealed record IngestSnapshot(long SamplesReceived, long SamplesWithoutEstimate, IReadOnlyList<IngestErrorCount> Errors);

/// <summary>One ingest error kind: how many, and the newest detail ("" when none).</summary>
public sealed record IngestErrorCount(string Kind, long Count, string LastDetail);

/// <summary>Governor interventions: total, per reason, and the newest.</summary>
public sealed record InterventionSnapshot(long Total, IReadOnlyList<(string Reason, long Count)> ByReason, InterventionView? Last);

/// <summary>One governor intervention as shown to the operator.</summary>
/// <param name="Step">Loop step.</param>
/// <param name="Reason">Reason name (Core.Safety.GovernorReason).</param>
/// <param name="Channel">Channel index, -1 for the whole frame.</param>
/// <param name="Requested">Value asked for (NaN for whole-frame interventions).</param>
/// <param name="Applied">Value let out (NaN for whole-frame interventions).</param>
public sealed record InterventionView(long Step, string Reason, int Channel, float Requested, float Applied);
