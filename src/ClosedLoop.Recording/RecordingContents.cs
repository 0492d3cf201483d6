namespace ClosedLoop.Recording;

/// <summary>A whole recording read into memory by <see cref="RecordingReader.ReadAllAsync"/>.</summary>
/// <param name="Header">The file header.</param>
/// <param name="Records">Every record of every valid block, in file order.</param>
/// <param name="Damage">Damaged regions, in file order (empty for an intact file).</param>
/// <param name="Blocks">Valid blocks read.</param>
/// <param name="FileLength">Bytes examined (the file's length).</param>
public sealed record RecordingContents(
    RecordingHeader Header, IReadOnlyList<LogRecord> Records, IReadOnlyList<RecordingDamage> Damage, long Blocks, long FileLength);
