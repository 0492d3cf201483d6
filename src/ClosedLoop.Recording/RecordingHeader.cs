using System.Buffers.Binary;

namespace ClosedLoop.Recording;

/// <summary>The 48-byte file header of a recording (layout in docs/recording.md).</summary>
/// <param name="Version">Format version (<see cref="RecordingFormat.Version"/>).</param>
/// <param name="CreatedUnixMicroseconds">Wall-clock creation time, microseconds since 1970-01-01 UTC.</param>
/// <param name="CreatedTicks">Monotonic clock (<see cref="Core.Time.MonoClock"/>) at creation, ticks.</param>
/// <param name="ClockFrequency">Monotonic ticks per second of every tick value in the file.</param>
public readonly record struct RecordingHeader(ushort Version, long CreatedUnixMicroseconds, long CreatedTicks, long ClockFrequency)
{
    /// <summary>Creation time as a UTC date.</summary>
    public DateTimeOffset CreatedUtc => DateTimeOffset.UnixEpoch.AddTicks(CreatedUnixMicroseconds * 10);

    /// <summary>Write the header into the first <see cref="RecordingFormat.FileHeaderSize"/> bytes of <paramref name="destination"/>.</summary>
    public void Encode(Span<byte> destination)
    {
        Span<byte> h = destination[..RecordingFormat.FileHeaderSize];
        h.Clear();
        RecordingFormat.FileMagic.CopyTo(h);
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(h[10..], RecordingFormat.FileHeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0); // flags, reserved
        BinaryPrimitives.WriteInt64LittleEndian(h[16..], CreatedUnixMicroseconds);
        BinaryPrimitives.WriteInt64LittleEndian(h[24..], CreatedTicks);
        BinaryPrimitives.WriteInt64LittleEndian(h[32..], ClockFrequency);
        BinaryPrimitives.WriteUInt32LittleEndian(h[40..], 0); // reserved
        BinaryPrimitives.WriteUInt32LittleEndian(h[44..], BlockChecksum.Compute(h[..44]));
    }

    /// <summary>Parse a header; false with a reason when the bytes are not a version-1 recording header.</summary>
    public static bool TryParse(ReadOnlySpan<byte> source, out RecordingHeader header, out string? error)
    {
        header = default;
        if (source.Length < RecordingFormat.FileHeaderSize)
        {
            error = $"file is {source.Length} bytes, shorter than the {RecordingFormat.FileHeaderSize}-byte header";
            return false;
        }
        if (!source[..8].SequenceEqual(RecordingFormat.FileMagic))
        {
            error = "not a ClosedLoop recording (file magic is not \"CLRECLOG\")";
            return false;
        }
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(source[44..]);
        uint actual = BlockChecksum.Compute(source[..44]);
        if (stored != actual)
        {
            error = $"file header checksum mismatch (stored 0x{stored:X8}, computed 0x{actual:X8})";
            return false;
        }
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(source[8..]);
        if (version < RecordingFormat.OldestReadableVersion || version > RecordingFormat.Version)
        {
            error = $"unsupported recording format version {version} (this reader knows {RecordingFormat.OldestReadableVersion} to {RecordingFormat.Version})";
            return false;
        }
        header = new RecordingHeader(
            version,
            BinaryPrimitives.ReadInt64LittleEndian(source[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[32..]));
        error = null;
        return true;
    }
}
