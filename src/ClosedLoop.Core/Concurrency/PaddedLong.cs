using System.Runtime.InteropServices;

namespace ClosedLoop.Core.Concurrency;

/// <summary>
/// A long alone on its cache line (64 bytes of padding on each side, so adjacent-line prefetch does not pair
/// it with a neighbour either). Counters that one thread writes every step live in one of these, so threads
/// that only read the fields around them do not take a cache miss on every write (false sharing).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 192)]
internal struct PaddedLong
{
    [FieldOffset(64)]
    public long Value;
}
