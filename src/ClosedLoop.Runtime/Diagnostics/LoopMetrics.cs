using System.Diagnostics.Metrics;
using ClosedLoop.Core.Safety;
using ClosedLoop.Runtime.Loop;

namespace ClosedLoop.Runtime.Diagnostics;

/// <summary>
/// The loop's counters as <see cref="System.Diagnostics.Metrics"/> instruments (meter <see cref="MeterName"/>,
/// readable with <c>dotnet-counters monitor --counters ClosedLoop.Loop</c>). Every instrument is observable: it
/// reads the runtime's existing counters and histograms when a listener asks, on the listener's thread. The
/// real-time thread does nothing more than before.
/// </summary>
public sealed class LoopMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ClosedLoop.Loop";

    private static readonly GovernorReason[] s_reasons = [.. Enum.GetValues<GovernorReason>().Where(r => r != GovernorReason.None)];
    private readonly Meter _meter;

    public LoopMetrics(ClosedLoopRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        _meter = new Meter(MeterName);
        _meter.CreateObservableCounter("closedloop.loop.steps", () => runtime.StepsRun, "{step}", "Loop steps run");
        _meter.CreateObservableCounter("closedloop.loop.overruns", () => runtime.Overruns, "{step}", "Steps that overran their deadline");
        _meter.CreateObservableCounter("closedloop.loop.skipped_steps", () => runtime.SkippedSteps, "{step}", "Steps skipped by the overrun policy");
        _meter.CreateObservableCounter("closedloop.loop.invalid_inputs", () => runtime.InvalidInputs, "{sample}", "Non-finite or invalid inputs the loop refused");
        _meter.CreateObservableGauge("closedloop.loop.lateness_p99", () => runtime.Lateness.ValueAtQuantile(0.99) / 1000.0, "us", "99th percentile of step-start lateness since start");
        _meter.CreateObservableGauge("closedloop.loop.lateness_max", () => runtime.Lateness.Max / 1000.0, "us", "Largest step-start lateness since start");
        _meter.CreateObservableGauge("closedloop.loop.compute_p99", () => runtime.ComputeTime.ValueAtQuantile(0.99) / 1000.0, "us", "99th percentile of step compute time since start");
        _meter.CreateObservableGauge("closedloop.loop.safety_state", () => (int)runtime.Governor.State, "{state}", "Governor state: 0 armed, 1 disarmed, 2 tripped, 3 e-stop");
        _meter.CreateObservableCounter("closedloop.governor.interventions", ObserveInterventions, "{intervention}", "Governor interventions, tagged by reason");

        IEnumerable<Measurement<long>> ObserveInterventions()
        {
            foreach (var r in s_reasons)
            {
                yield return new Measurement<long>(runtime.Governor.Count(r), new KeyValuePair<string, object?>("reason", r.ToString()));
            }
        }
    }

    /// <summary>The meter (for listeners that filter by instance).</summary>
    public Meter Meter => _meter;

    public void Dispose() => _meter.Dispose();
}
