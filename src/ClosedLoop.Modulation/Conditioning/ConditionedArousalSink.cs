using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Modulation.Conditioning;

/// <summary>
/// Glue between an <see cref="IArousalSource"/> and the real-time loop: feeds every raw sample to a conditioner
/// and publishes each resulting <see cref="ArousalEstimate"/> into a <see cref="LatestValueMailbox{T}"/> that the
/// loop reads; counts source errors by kind. <see cref="Poll"/> (from a timer or the source's thread) publishes a
/// Stale estimate when input stops. A short uncontended lock serialises the source thread and the poller; it is
/// never taken on the real-time thread (which only reads the mailbox).
/// </summary>
public sealed class ConditionedArousalSink : IArousalSink
{
    private readonly IArousalConditioner _conditioner;
    private readonly Lock _gate = new();
    private readonly long[] _errorCounts = new long[Enum.GetValues<IngestError>().Length];
    private readonly string?[] _lastErrorOfKind = new string?[Enum.GetValues<IngestError>().Length];
    private string? _lastError;

    /// <summary>Creates the sink.</summary>
    /// <param name="conditioner">Conditioner for this source (owned by this sink from now on).</param>
    /// <param name="mailbox">Where estimates go (default: a new mailbox, see <see cref="Mailbox"/>).</param>
    public ConditionedArousalSink(IArousalConditioner conditioner, LatestValueMailbox<ArousalEstimate>? mailbox = null)
    {
        ArgumentNullException.ThrowIfNull(conditioner);
        _conditioner = conditioner;
        Mailbox = mailbox ?? new LatestValueMailbox<ArousalEstimate>();
    }

    /// <summary>The mailbox the loop reads.</summary>
    public LatestValueMailbox<ArousalEstimate> Mailbox { get; }

    /// <summary>Raw samples received.</summary>
    public long SamplesReceived => Interlocked.Read(ref _samplesReceived);

    /// <summary>Samples the conditioner rejected (no estimate).</summary>
    public long SamplesWithoutEstimate => Interlocked.Read(ref _samplesWithoutEstimate);

    /// <summary>The newest error detail, or null.</summary>
    public string? LastErrorDetail => Volatile.Read(ref _lastError);

    private long _samplesReceived;
    private long _samplesWithoutEstimate;

    /// <summary>The newest detail of errors of kind <paramref name="error"/>, or null when there was none.</summary>
    public string? LastErrorDetailOf(IngestError error) => Volatile.Read(ref _lastErrorOfKind[(int)error]);

    /// <summary>Errors of kind <paramref name="error"/> reported so far.</summary>
    public long ErrorCount(IngestError error) => Interlocked.Read(ref _errorCounts[(int)error]);

    /// <inheritdoc/>
    public void OnSample(in ArousalSample sample)
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _samplesReceived);
            if (_conditioner.TryProcess(in sample, out var estimate))
            {
                Mailbox.Publish(in estimate);
            }
            else
            {
                Interlocked.Increment(ref _samplesWithoutEstimate);
            }
        }
    }

    /// <inheritdoc/>
    public void OnError(IngestError error, string detail)
    {
        Interlocked.Increment(ref _errorCounts[(int)error]);
        Volatile.Write(ref _lastError, detail);
        Volatile.Write(ref _lastErrorOfKind[(int)error], detail);
    }

    /// <summary>Publish a Stale estimate if no valid input arrived within the conditioner's limit. Returns true if it did.</summary>
    /// <param name="nowTicks">Now, <see cref="Core.Time.MonoClock"/> ticks.</param>
    public bool Poll(long nowTicks)
    {
        lock (_gate)
        {
            if (!_conditioner.Poll(nowTicks, out var estimate))
            {
                return false;
            }
            Mailbox.Publish(in estimate);
            return true;
        }
    }
}
