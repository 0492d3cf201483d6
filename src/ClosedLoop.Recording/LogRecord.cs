namespace ClosedLoop.Recording;

/// <summary>One record read back from a recording.</summary>
/// <param name="Type">Record type.</param>
/// <param name="Step">Loop step the record belongs to (<see cref="RecordingFormat.NoStep"/> for none).</param>
/// <param name="Sequence">Position of the record in the file's record sequence (0 for the first record written).</param>
/// <param name="BlockOffset">File offset of the block that holds it, bytes.</param>
/// <param name="Payload">The payload bytes (decode with the record type's codec in Records/).</param>
public readonly record struct LogRecord(RecordType Type, long Step, ulong Sequence, long BlockOffset, ReadOnlyMemory<byte> Payload);
