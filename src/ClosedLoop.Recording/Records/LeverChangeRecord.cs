using System.Buffers.Binary;
using ClosedLoop.Core.Levers;

namespace ClosedLoop.Recording.Records;

/// <summary>The lever targets applied at the record's step (written when they change), in <see cref="LeverSet"/> field order.</summary>
/// <param name="Levers">The lever targets.</param>
public readonly record struct LeverChangeRecord(LeverSet Levers) : IRecord<LeverChangeRecord>
{
    public static RecordType Type => RecordType.LeverChange;

    public static int FixedSize => 4 * LeverSet.Count;

    public static int MinSize => FixedSize;

    public int PayloadSize => FixedSize;

    public void Encode(Span<byte> p)
    {
        LeverSet copy = Levers;
        ReadOnlySpan<float> values = LeverSet.AsSpan(ref copy);
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(p[(4 * i)..], values[i]);
        }
    }

    public static LeverChangeRecord Decode(ReadOnlySpan<byte> p)
    {
        LeverSet levers = default;
        Span<float> values = LeverSet.AsSpan(ref levers);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(p[(4 * i)..]);
        }
        return new LeverChangeRecord(levers);
    }
}
