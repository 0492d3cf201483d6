namespace ClosedLoop.Recording;

/// <summary>Where a damaged region of a recording lies.</summary>
public enum DamageKind
{
    /// <summary>A damaged region followed by a valid block: it was skipped and reading went on.</summary>
    Middle,

    /// <summary>A damaged region that runs to the end of the file (a torn last block after a crash, or corruption there).</summary>
    Tail,
}

/// <summary>A region of a recording the reader could not use.</summary>
/// <param name="Kind">Middle (skipped, reading resumed) or tail (to end of file).</param>
/// <param name="Offset">File offset of the first unusable byte.</param>
/// <param name="Length">Bytes lost.</param>
/// <param name="RecordsLost">
/// Records lost: exact for <see cref="DamageKind.Middle"/> (from the sequence numbers on both sides); for
/// <see cref="DamageKind.Tail"/> the count claimed by the torn block's header when it was readable, else null.
/// </param>
/// <param name="Reason">What was wrong with the first bad block ("CRC mismatch", "truncated block", ...).</param>
public readonly record struct RecordingDamage(DamageKind Kind, long Offset, long Length, long? RecordsLost, string Reason);
