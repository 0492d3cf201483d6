using ClosedLoop.Contracts.Mapping;
using ClosedLoop.Core.Ingest;
using Wire = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Contracts.Ingest;

/// <summary>What <see cref="SampleValidator.Check"/> decided about one sample.</summary>
public enum SampleVerdict
{
    /// <summary>Deliver it.</summary>
    Accept,

    /// <summary>Deliver it, but a sequence gap was counted before it.</summary>
    AcceptAfterGap,

    /// <summary>Drop it; the reason was counted.</summary>
    Reject,
}

/// <summary>
/// Validates a stream of wire samples from one peer (one gRPC call, one ZeroMQ publisher): finite value and
/// confidence, representable fields, source time not going backwards per channel, sequence continuity.
/// Every problem is counted in <see cref="IngestCounters"/> and reported to the sink; none throws.
/// Not thread-safe: one validator per stream.
/// </summary>
public sealed class SampleValidator
{
    private readonly IngestCounters _counters;
    private readonly double[] _lastTime = new double[byte.MaxValue + 1];
    private ulong _lastSequence;
    private bool _haveSequence;

    public SampleValidator(IngestCounters counters)
    {
        _counters = counters ?? throw new ArgumentNullException(nameof(counters));
        Array.Fill(_lastTime, double.NegativeInfinity);
    }

    /// <summary>Sequence gaps seen by this validator (its own stream only).</summary>
    public long SequenceGaps { get; private set; }

    /// <summary>
    /// Check <paramref name="message"/>; on acceptance <paramref name="sample"/> holds the Core sample stamped
    /// with <paramref name="arrivalTicks"/>. Rejections and gaps are counted and sent to <paramref name="sink"/>.
    /// </summary>
    /// <param name="message">The sample as received.</param>
    /// <param name="arrivalTicks">Arrival time, <see cref="ClosedLoop.Core.Time.MonoClock"/> ticks.</param>
    /// <param name="sink">Receives the error reports (not the sample itself).</param>
    /// <param name="sample">The Core sample when accepted.</param>
    /// <param name="reason">Why the sample was rejected (meaningful only for <see cref="SampleVerdict.Reject"/>).</param>
    public SampleVerdict Check(Wire.ArousalSample message, long arrivalTicks, IArousalSink sink, out ArousalSample sample, out IngestError reason)
    {
        reason = default;
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(sink);
        _counters.CountReceived();
        if (!double.IsFinite(message.Value) || !float.IsFinite(message.Confidence) || !double.IsFinite(message.SourceTimeS))
        {
            sample = default;
            reason = IngestError.NonFinite;
            return Reject(sink, reason,
                $"non-finite sample: value={message.Value} confidence={message.Confidence} time={message.SourceTimeS} (seq {message.Sequence})");
        }
        if (!SampleMapper.TryFromWire(message, arrivalTicks, out sample, out string? error))
        {
            reason = IngestError.Malformed;
            return Reject(sink, reason, error!);
        }
        ref double last = ref _lastTime[sample.Channel];
        if (sample.SourceTimeSeconds < last)
        {
            reason = IngestError.TimeWentBackwards;
            return Reject(sink, reason,
                $"channel {sample.Channel}: source time {sample.SourceTimeSeconds:R} s after {last:R} s (seq {sample.Sequence})");
        }
        last = sample.SourceTimeSeconds;
        var verdict = SampleVerdict.Accept;
        if (_haveSequence && sample.Sequence != _lastSequence + 1)
        {
            _counters.Count(IngestError.SequenceGap);
            SequenceGaps++;
            sink.OnError(IngestError.SequenceGap, $"sequence {sample.Sequence} after {_lastSequence}");
            verdict = SampleVerdict.AcceptAfterGap;
        }
        _lastSequence = sample.Sequence;
        _haveSequence = true;
        return verdict;
    }

    private SampleVerdict Reject(IArousalSink sink, IngestError error, string detail)
    {
        _counters.Count(error);
        sink.OnError(error, detail);
        return SampleVerdict.Reject;
    }
}
