namespace ClosedLoop.Recording;

/// <summary>A fully encoded record from a non-real-time caller, with the ring position it must follow.</summary>
/// <param name="Bytes">Record header and payload.</param>
/// <param name="RingPosition">Ring records written when it was queued; it is written after that many ring records.</param>
internal readonly record struct SideRecord(byte[] Bytes, long RingPosition);
