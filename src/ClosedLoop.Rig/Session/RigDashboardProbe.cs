using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Safety;
using ClosedLoop.Dashboard;
using ClosedLoop.Runtime.Readout;
using ClosedLoop.Runtime.Safety;

namespace ClosedLoop.Rig.Session;

/// <summary>The dashboard's view of a session's channel limits, ingest counters and governor interventions (pump thread only).</summary>
internal sealed class RigDashboardProbe : IDashboardProbe
{
    private static readonly IngestError[] s_errorKinds = Enum.GetValues<IngestError>();
    private static readonly GovernorReason[] s_reasons = [.. Enum.GetValues<GovernorReason>().Where(r => r != GovernorReason.None)];
    private readonly RigSession _session;
    private readonly BroadcastRingReader<Intervention> _interventions;
    private InterventionView? _last;

    public RigDashboardProbe(RigSession session)
    {
        _session = session;
        _interventions = session.Runtime.Governor.Interventions.CreateReader();
        Channels = [.. session.Runtime.Config.Channels.Select(c => new DashboardChannel(
            c.Name, c.Kind.Unit(), c.Limits?.Min ?? double.NaN, c.Limits?.Max ?? double.NaN, c.Limits?.SafeLevel ?? double.NaN))];
    }

    public IReadOnlyList<DashboardChannel> Channels { get; }

    public IngestSnapshot ReadIngest()
    {
        var ingest = _session.Ingest;
        return new IngestSnapshot(ingest.SamplesReceived, ingest.SamplesWithoutEstimate,
            [.. s_errorKinds.Select(k => new IngestErrorCount(k.ToString(), ingest.ErrorCount(k), ingest.LastErrorDetailOf(k) ?? ""))]);
    }

    public InterventionSnapshot ReadInterventions()
    {
        while (_interventions.TryRead(out var i))
        {
            _last = new InterventionView(i.Step, i.Reason.ToString(), i.Channel, i.Requested, i.Applied);
        }
        var governor = _session.Runtime.Governor;
        var counts = s_reasons.Select(r => (r.ToString(), governor.Count(r))).ToList();
        return new InterventionSnapshot(counts.Sum(c => c.Item2), counts, _last);
    }
}
