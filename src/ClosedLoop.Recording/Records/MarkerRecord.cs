using System.Buffers.Binary;
using System.Text;

namespace ClosedLoop.Recording.Records;

/// <summary>
/// A numeric marker (<see cref="MarkerCode"/>) with an optional UTF-8 note. Without a note it is 4 bytes and the
/// real-time thread may write it; a note is written from other threads (it is encoded with an allocation).
/// </summary>
/// <param name="Code">The marker code.</param>
/// <param name="Note">The note; empty or null for none.</param>
public readonly record struct MarkerRecord(int Code, string? Note = null) : IRecord<MarkerRecord>
{
    public static RecordType Type => RecordType.Marker;

    public static int FixedSize => -1;

    public static int MinSize => 4;

    public int PayloadSize => 4 + (string.IsNullOrEmpty(Note) ? 0 : Encoding.UTF8.GetByteCount(Note));

    public void Encode(Span<byte> p)
    {
        BinaryPrimitives.WriteInt32LittleEndian(p, Code);
        if (!string.IsNullOrEmpty(Note))
        {
            Encoding.UTF8.GetBytes(Note, p[4..]);
        }
    }

    public static MarkerRecord Decode(ReadOnlySpan<byte> p) =>
        new(BinaryPrimitives.ReadInt32LittleEndian(p), p.Length > 4 ? Encoding.UTF8.GetString(p[4..]) : "");
}
