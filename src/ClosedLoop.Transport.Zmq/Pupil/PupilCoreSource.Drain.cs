using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using NetMQ;

namespace ClosedLoop.Transport.Zmq.Pupil;

/// <summary>The drain half of <see cref="PupilCoreSource"/>: decode, validate, keep the newest per eye, hand on.</summary>
public sealed partial class PupilCoreSource
{
    private void Resync(PupilRemoteClient remote, DrainState state, IArousalSink sink)
    {
        var measured = remote.EstimateClockOffset(_options.ClockSyncRoundTrips);
        var clock = Smooth(state.Clock, measured, ClockJumpResetSeconds, out bool reset);
        if (reset)
        {
            // Pupil time was reset (e.g. by a T command): earlier timestamps no longer compare.
            Array.Clear(state.Clocks);
        }
        state.Clock = clock;
        lock (_gate)
        {
            _clock = clock;
        }
        Report(sink, clock);
    }

    /// <summary>
    /// The next offset estimate: an exponential average (weight 0.2 on the new measurement) of the successive
    /// measurements, so one slow round trip does not move the mapping by its full error; a change larger than
    /// <paramref name="jumpSeconds"/> (Pupil time was set) replaces it outright. The error bound stays a hard one by the
    /// triangle inequality: |smoothed - truth| &lt;= |smoothed - measured| + measured's own bound.
    /// </summary>
    public static ClockOffsetEstimate Smooth(ClockOffsetEstimate current, ClockOffsetEstimate measured, double jumpSeconds, out bool reset)
    {
        reset = Math.Abs(measured.OffsetSeconds - current.OffsetSeconds) > jumpSeconds;
        if (reset)
        {
            return measured;
        }
        const double w = 0.2;
        double offset = current.OffsetSeconds + w * (measured.OffsetSeconds - current.OffsetSeconds);
        double bound = Math.Abs(offset - measured.OffsetSeconds) + measured.ErrorBoundSeconds;
        return measured with { OffsetSeconds = offset, ErrorBoundSeconds = bound };
    }

    // Recorded as a ClockOffset record (its round trip = twice the error bound), so a session aligns with Pupil Player's.
    private static void Report(IArousalSink sink, ClockOffsetEstimate clock)
    {
        if (sink is IClockOffsetSink offsets)
        {
            offsets.OnClockOffset(new ClockOffset(ArousalSourceKind.Pupil, 0, clock.OffsetSeconds, 2 * clock.ErrorBoundSeconds, MonoClock.Now));
        }
    }

    private void Decode(NetMQMessage message, DrainState state, IArousalSink sink)
    {
        long arrival = MonoClock.Now;
        Counters.CountReceived();
        if (message.FrameCount < 2)
        {
            Reject(sink, IngestError.Malformed, $"expected topic + payload frames, got {message.FrameCount}");
            return;
        }
        var topicFrame = message[0];
        string topic = PupilDatumDecoder.Topic(topicFrame.Buffer, topicFrame.MessageSize);
        var payload = message[1];
        if (payload.MessageSize > _options.MaxMessageBytes)
        {
            Reject(sink, IngestError.Oversized, $"{topic}: {payload.MessageSize}-byte datum refused undecoded (limit {_options.MaxMessageBytes})");
            return;
        }
        if (!PupilDatumDecoder.TryDecode(topic, payload.Buffer.AsMemory(0, payload.MessageSize), _options.Use3d, out var datum, out string? error))
        {
            Reject(sink, IngestError.Malformed, error!);
            return;
        }
        if (!double.IsFinite(datum.Diameter) || !double.IsFinite(datum.Confidence) || !double.IsFinite(datum.PupilTimeSeconds))
        {
            Reject(sink, IngestError.NonFinite, $"{topic}: diameter={datum.Diameter} confidence={datum.Confidence} t={datum.PupilTimeSeconds}");
            return;
        }
        if (datum.Eye >= state.Newest.Length)
        {
            Reject(sink, IngestError.Malformed, $"{topic}: datum for eye {datum.Eye}, which was not subscribed");
            return;
        }
        ref SourceClockGuard clock = ref state.Clocks[datum.Eye];
        double last = clock.ReferenceSeconds;
        switch (clock.Check(datum.PupilTimeSeconds, arrival))
        {
            case ClockVerdict.Backwards:
                Reject(sink, IngestError.TimeWentBackwards, $"{topic}: t={datum.PupilTimeSeconds:R} after {last:R}");
                return;
            case ClockVerdict.Future:
                Reject(sink, IngestError.FutureTimestamp, $"{topic}: t={datum.PupilTimeSeconds:R} more than {SourceClockGuard.MaxLeadSeconds} s ahead of {last:R}");
                return;
            case ClockVerdict.Resynced:
                Counters.Count(IngestError.ClockResync);
                sink.OnError(IngestError.ClockResync, $"{topic}: pupil time jumped from {last:R} to {datum.PupilTimeSeconds:R}; re-synchronised");
                break;
        }
        state.Sequence++;
        if (state.Has[datum.Eye])
        {
            Interlocked.Increment(ref _coalesced);
        }
        state.Has[datum.Eye] = true;
        state.Newest[datum.Eye] = new ArousalSample(
            datum.Diameter,
            (float)datum.Confidence,
            (byte)datum.Eye,
            ArousalSourceKind.Pupil,
            state.Clock.ToLocalSeconds(datum.PupilTimeSeconds),
            arrival,
            state.Sequence);
    }

    private bool Flush(DrainState state, IArousalSink sink)
    {
        // Hand on the pending datums in the order they arrived (sequence order), whatever their eye.
        bool any = false;
        while (true)
        {
            int next = -1;
            for (int eye = 0; eye < state.Has.Length; eye++)
            {
                if (state.Has[eye] && (next < 0 || state.Newest[eye].Sequence < state.Newest[next].Sequence))
                {
                    next = eye;
                }
            }
            if (next < 0)
            {
                return any;
            }
            state.Has[next] = false;
            sink.OnSample(state.Newest[next]);
            Counters.CountAccepted();
            any = true;
        }
    }

    private void Reject(IArousalSink sink, IngestError error, string detail)
    {
        Counters.Count(error);
        sink.OnError(error, detail);
    }

    private sealed class DrainState(int eyes, ClockOffsetEstimate clock)
    {
        public readonly ArousalSample[] Newest = new ArousalSample[eyes];
        public readonly bool[] Has = new bool[eyes];
        public readonly SourceClockGuard[] Clocks = new SourceClockGuard[eyes];
        public ClockOffsetEstimate Clock = clock;
        public ulong Sequence;
    }
}
