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
/// Validates the wire samples of one endpoint (one gRPC call, one ZeroMQ socket): finite value and confidence,
/// representable fields, and, per publisher (the sample's <c>session_id</c>), the bounded clock-jump policy of
/// <see cref="SourceClockGuard"/> per channel and sequence continuity. A far-future timestamp is rejected and counted
/// (<see cref="IngestError.FutureTimestamp"/>) without moving the reference; a restarted clock is re-synchronised
/// after <see cref="SourceClockGuard.ResyncAfter"/> consistent samples; one publisher's junk never blocks another's
/// samples. At most <see cref="MaxPublishers"/> publishers are tracked (the least recently seen one is forgotten).
/// Every problem is counted in <see cref="IngestCounters"/> and reported to the sink; none throws.
/// Not thread-safe: one validator per stream.
/// </summary>
public sealed class SampleValidator
{
    /// <summary>Publishers tracked at once.</summary>
    public const int MaxPublishers = 64;

    private readonly IngestCounters _counters;
    private readonly Dictionary<ulong, Publisher> _publishers = new(MaxPublishers + 1);
    private readonly bool _details;
    private long _seen;

    /// <summary>Build a validator that counts into <paramref name="counters"/>.</summary>
    /// <param name="counters">Where every sample and error is counted.</param>
    /// <param name="details">
    /// Format a text detail for every error report (the default). A validator on the real-time thread passes false:
    /// its reports then carry an empty detail, so a rejected sample allocates nothing there (the counts are the same).
    /// </param>
    public SampleValidator(IngestCounters counters, bool details = true)
    {
        _counters = counters ?? throw new ArgumentNullException(nameof(counters));
        _details = details;
    }

    /// <summary>Sequence gaps seen by this validator (its own stream only, summed over publishers).</summary>
    public long SequenceGaps { get; private set; }

    /// <summary>Publishers currently tracked.</summary>
    public int PublisherCount => _publishers.Count;

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
            return Reject(sink, reason, !_details ? "" :
                $"non-finite sample: value={message.Value} confidence={message.Confidence} time={message.SourceTimeS} (seq {message.Sequence})");
        }
        if (!SampleMapper.TryFromWire(message, arrivalTicks, out sample, out string? error))
        {
            reason = IngestError.Malformed;
            return Reject(sink, reason, error!);
        }
        var p = PublisherOf(message.SessionId);
        ref SourceClockGuard clock = ref p.Clocks[sample.Channel];
        double reference = clock.ReferenceSeconds;
        switch (clock.Check(sample.SourceTimeSeconds, arrivalTicks))
        {
            case ClockVerdict.Backwards:
                reason = IngestError.TimeWentBackwards;
                return Reject(sink, reason, !_details ? "" :
                    $"session {message.SessionId} channel {sample.Channel}: source time {sample.SourceTimeSeconds:R} s after {reference:R} s (seq {sample.Sequence})");
            case ClockVerdict.Future:
                reason = IngestError.FutureTimestamp;
                return Reject(sink, reason, !_details ? "" :
                    $"session {message.SessionId} channel {sample.Channel}: source time {sample.SourceTimeSeconds:R} s is more than {SourceClockGuard.MaxLeadSeconds} s ahead of {reference:R} s (seq {sample.Sequence})");
            case ClockVerdict.Resynced:
                _counters.Count(IngestError.ClockResync);
                sink.OnError(IngestError.ClockResync, !_details ? "" :
                    $"session {message.SessionId} channel {sample.Channel}: clock jumped from {reference:R} s to {sample.SourceTimeSeconds:R} s; re-synchronised after {SourceClockGuard.ResyncAfter} consistent samples");
                p.HaveSequence = false; // a restarted sender restarts its sequence too
                break;
        }
        var verdict = SampleVerdict.Accept;
        if (p.HaveSequence && sample.Sequence != p.LastSequence + 1)
        {
            _counters.Count(IngestError.SequenceGap);
            SequenceGaps++;
            sink.OnError(IngestError.SequenceGap, !_details ? "" : $"session {message.SessionId}: sequence {sample.Sequence} after {p.LastSequence}");
            verdict = SampleVerdict.AcceptAfterGap;
        }
        p.LastSequence = sample.Sequence;
        p.HaveSequence = true;
        return verdict;
    }

    private Publisher PublisherOf(ulong session)
    {
        _seen++;
        if (!_publishers.TryGetValue(session, out var p))
        {
            // Rare path: a new publisher. At most MaxPublishers are ever allocated; past that the least recently seen
            // one is forgotten and its state reused, so a flood of made-up session ids allocates nothing.
            if (_publishers.Count >= MaxPublishers)
            {
                ulong oldest = 0;
                long oldestSeen = long.MaxValue;
                foreach (var (id, candidate) in _publishers)
                {
                    if (candidate.LastSeen < oldestSeen)
                    {
                        oldestSeen = candidate.LastSeen;
                        oldest = id;
                    }
                }
                _publishers.Remove(oldest, out p);
                p!.Reset();
            }
            else
            {
                p = new Publisher();
            }
            _publishers.Add(session, p);
        }
        p.LastSeen = _seen;
        return p;
    }

    private SampleVerdict Reject(IArousalSink sink, IngestError error, string detail)
    {
        _counters.Count(error);
        sink.OnError(error, detail);
        return SampleVerdict.Reject;
    }

    private sealed class Publisher
    {
        public readonly SourceClockGuard[] Clocks = new SourceClockGuard[byte.MaxValue + 1];
        public ulong LastSequence;
        public bool HaveSequence;

        public void Reset()
        {
            Array.Clear(Clocks);
            LastSequence = 0;
            HaveSequence = false;
            LastSeen = 0;
        }
        public long LastSeen;
    }
}
