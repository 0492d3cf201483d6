using System.Diagnostics.Metrics;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Rig.Session;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>The loop and ingest meters of a real session, read through a MeterListener (what dotnet-counters uses).</summary>
public sealed class RigMetricsTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task LoopAndIngestMeters_ReportTheSessionsCounters()
    {
        await using var session = RigSession.Create(RigTestOptions.Create(_dir.File("metrics.cllog")));
        await session.StartAsync();
        await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed, s_timeout);
        await session.Device.WaitForFrameAsync(f => f.Step > 200, s_timeout);

        var longs = new Dictionary<string, long>();
        var doubles = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, session.LoopMetrics!.Meter) || ReferenceEquals(instrument.Meter, session.IngestMetrics!.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((inst, value, tags, _) =>
        {
            string key = inst.Name + (tags.Length > 0 ? $"[{tags[0].Value}]" : "");
            longs[key] = value;
        });
        listener.SetMeasurementEventCallback<double>((inst, value, _, _) => doubles[inst.Name] = value);
        listener.SetMeasurementEventCallback<int>((inst, value, _, _) => longs[inst.Name] = value);
        listener.Start();

        long stepsBefore = session.Runtime.StepsRun;
        long samplesBefore = session.Ingest.SamplesReceived;
        listener.RecordObservableInstruments();
        long stepsAfter = session.Runtime.StepsRun;
        long samplesAfter = session.Ingest.SamplesReceived;

        Assert.InRange(longs["closedloop.loop.steps"], stepsBefore, stepsAfter);
        Assert.True(longs["closedloop.loop.steps"] > 200);
        Assert.InRange(longs["closedloop.ingest.samples"], samplesBefore, samplesAfter);
        Assert.True(longs["closedloop.ingest.samples"] > 0);
        Assert.Equal(0, longs["closedloop.ingest.errors[Malformed]"]);
        Assert.True(longs.ContainsKey("closedloop.governor.interventions[Disarmed]"));
        Assert.True(longs["closedloop.governor.interventions[Disarmed]"] >= 1, "the start-up disarm is an intervention");
        Assert.True(longs["closedloop.loop.overruns"] <= session.Runtime.Overruns);
        Assert.True(doubles["closedloop.loop.lateness_max"] >= doubles["closedloop.loop.lateness_p99"]);
        Assert.True(longs.ContainsKey("closedloop.loop.safety_state"));
    }
}
