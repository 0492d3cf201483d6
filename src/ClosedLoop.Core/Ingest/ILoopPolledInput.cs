namespace ClosedLoop.Core.Ingest;

/// <summary>
/// An input the real-time thread polls itself at the start of every step, with no thread hop between the producer
/// and the loop (e.g. UDP datagrams from a co-located producer). <see cref="TryPoll"/> runs on the loop thread: it
/// must not block, lock or allocate on its normal path.
/// </summary>
public interface ILoopPolledInput
{
    /// <summary>
    /// Drain whatever arrived since the last call (never waiting), validate and count it, and return the newest valid
    /// input as an estimate stamped with its arrival. False when nothing valid arrived.
    /// </summary>
    /// <param name="nowTicks">The step's "now", monotonic ticks.</param>
    /// <param name="estimate">The newest valid input.</param>
    bool TryPoll(long nowTicks, out ArousalEstimate estimate);
}
