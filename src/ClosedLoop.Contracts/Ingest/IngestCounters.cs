using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Contracts.Ingest;

/// <summary>
/// Thread-safe counters of ingest outcomes: one per <see cref="IngestError"/> plus received and accepted
/// samples. Shared by every transport so status lines read the same way for all of them.
/// </summary>
public sealed class IngestCounters
{
    private static readonly int s_errorCount = Enum.GetValues<IngestError>().Length;
    private readonly long[] _errors = new long[s_errorCount];
    private long _received;
    private long _accepted;

    /// <summary>Messages read off the transport (decodable or not).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Samples handed to the sink.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>How often <paramref name="error"/> occurred.</summary>
    public long this[IngestError error] => Interlocked.Read(ref _errors[(int)error]);

    /// <summary>Sum of all error counts.</summary>
    public long TotalErrors
    {
        get
        {
            long sum = 0;
            for (int i = 0; i < _errors.Length; i++)
            {
                sum += Interlocked.Read(ref _errors[i]);
            }
            return sum;
        }
    }

    public void CountReceived() => Interlocked.Increment(ref _received);

    public void CountAccepted() => Interlocked.Increment(ref _accepted);

    public void Count(IngestError error) => Interlocked.Increment(ref _errors[(int)error]);

    /// <summary>One line for logs and status: "received=.. accepted=.. Malformed=.. ...".</summary>
    public override string ToString()
    {
        var parts = new List<string> { $"received={Received}", $"accepted={Accepted}" };
        foreach (var e in Enum.GetValues<IngestError>())
        {
            parts.Add($"{e}={this[e]}");
        }
        return string.Join(' ', parts);
    }
}
