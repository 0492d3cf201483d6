using System.Diagnostics.Metrics;
using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Modulation.Conditioning;

/// <summary>
/// Ingest counters as <see cref="System.Diagnostics.Metrics"/> instruments (meter <see cref="MeterName"/>, readable with
/// <c>dotnet-counters monitor --counters ClosedLoop.Ingest</c>): observable instruments over the
/// <see cref="ConditionedArousalSink"/>'s counters, read on the listener's thread.
/// </summary>
public sealed class IngestMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ClosedLoop.Ingest";

    private static readonly IngestError[] s_kinds = Enum.GetValues<IngestError>();
    private readonly Meter _meter;

    public IngestMetrics(ConditionedArousalSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _meter = new Meter(MeterName);
        _meter.CreateObservableCounter("closedloop.ingest.samples", () => sink.SamplesReceived, "{sample}", "Raw samples received from every source");
        _meter.CreateObservableCounter("closedloop.ingest.samples_without_estimate", () => sink.SamplesWithoutEstimate, "{sample}", "Samples the conditioner turned into no estimate");
        _meter.CreateObservableCounter("closedloop.ingest.errors", ObserveErrors, "{error}", "Ingest errors, tagged by kind");

        IEnumerable<Measurement<long>> ObserveErrors()
        {
            foreach (var k in s_kinds)
            {
                yield return new Measurement<long>(sink.ErrorCount(k), new KeyValuePair<string, object?>("kind", k.ToString()));
            }
        }
    }

    /// <summary>The meter (for listeners that filter by instance).</summary>
    public Meter Meter => _meter;

    public void Dispose() => _meter.Dispose();
}
