namespace ClosedLoop.Recording.Records;

/// <summary>
/// One record type of the log, its own codec: the type byte, the payload size and the little-endian layout
/// (docs/recording.md lists every payload byte by byte). Adding a record type means adding one type that
/// implements this (and its <see cref="RecordType"/> value); the writer's one generic path, the reader's size
/// check (<see cref="RecordRegistry"/>) and the codec round-trip test pick it up from there.
/// </summary>
/// <typeparam name="TSelf">The record struct itself.</typeparam>
/// <remarks>Records are structs and are encoded through a generic constraint: no boxing, no allocation.</remarks>
public interface IRecord<TSelf>
    where TSelf : struct, IRecord<TSelf>
{
    /// <summary>The type byte.</summary>
    static abstract RecordType Type { get; }

    /// <summary>The payload size of every record of this type, bytes, or -1 when it varies (see <see cref="MinSize"/>).</summary>
    static abstract int FixedSize { get; }

    /// <summary>The smallest valid payload, bytes (equal to <see cref="FixedSize"/> for a fixed-size type).</summary>
    static abstract int MinSize { get; }

    /// <summary>This record's payload size, bytes.</summary>
    int PayloadSize { get; }

    /// <summary>Write the payload into <paramref name="payload"/> (exactly <see cref="PayloadSize"/> bytes).</summary>
    void Encode(Span<byte> payload);

    /// <summary>Read a payload of this type (its length already checked against <see cref="MinSize"/> / <see cref="FixedSize"/>).</summary>
    static abstract TSelf Decode(ReadOnlySpan<byte> payload);
}
