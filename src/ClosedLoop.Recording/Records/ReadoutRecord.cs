using System.Buffers.Binary;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Recording.Records;

/// <summary>
/// The model's readout after the record's step (format version 2): time f64, count u8, count x f32 in the
/// order of the recording's <see cref="ReadoutSchemaRecord"/>.
/// </summary>
/// <param name="Readout">The readout.</param>
public readonly record struct ReadoutRecord(ModelReadout Readout) : IRecord<ReadoutRecord>
{
    public static RecordType Type => RecordType.ModelReadout;

    public static int FixedSize => -1;

    public static int MinSize => 9;

    /// <summary>The largest payload (a full readout), bytes: it fits one real-time ring slot.</summary>
    public const int MaxSize = 9 + 4 * ModelReadout.MaxValues;

    public int PayloadSize => 9 + 4 * Math.Clamp(Readout.Count, 0, ModelReadout.MaxValues);

    public void Encode(Span<byte> p)
    {
        int n = Math.Clamp(Readout.Count, 0, ModelReadout.MaxValues);
        BinaryPrimitives.WriteDoubleLittleEndian(p, Readout.TimeMs);
        p[8] = (byte)n;
        for (int i = 0; i < n; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(p[(9 + 4 * i)..], Readout.Values[i]);
        }
    }

    public static ReadoutRecord Decode(ReadOnlySpan<byte> p)
    {
        int n = p[8];
        if (n > ModelReadout.MaxValues || p.Length != 9 + 4 * n)
        {
            throw new InvalidDataException($"readout record: {n} values in a payload of {p.Length} bytes");
        }
        var r = new ModelReadout { TimeMs = BinaryPrimitives.ReadDoubleLittleEndian(p), Count = n };
        for (int i = 0; i < n; i++)
        {
            r.Values[i] = BinaryPrimitives.ReadSingleLittleEndian(p[(9 + 4 * i)..]);
        }
        return new ReadoutRecord(r);
    }
}
