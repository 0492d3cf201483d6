using System.Buffers.Binary;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Recording.Records;

/// <summary>
/// The readout record of format version 1: time f64, pyramidal, SOM and PV rates, burst fraction and gain as
/// f32, spikes as i32 (the microcircuit's fixed fields). Read as a readout in <see cref="ReadoutNames.Legacy"/>
/// order; still encodable so tests can write a version-1 recording.
/// </summary>
/// <param name="Readout">The readout, in <see cref="ReadoutNames.Legacy"/> order.</param>
public readonly record struct LegacyReadoutRecord(ModelReadout Readout) : IRecord<LegacyReadoutRecord>
{
    public static RecordType Type => RecordType.Readout;

    public static int FixedSize => 32;

    public static int MinSize => FixedSize;

    public int PayloadSize => FixedSize;

    public void Encode(Span<byte> p)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(p, Readout.TimeMs);
        for (int i = 0; i < 5; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(p[(8 + 4 * i)..], Readout.Values[i]);
        }
        BinaryPrimitives.WriteInt32LittleEndian(p[28..], (int)Readout.Values[5]);
    }

    public static LegacyReadoutRecord Decode(ReadOnlySpan<byte> p)
    {
        var r = new ModelReadout { TimeMs = BinaryPrimitives.ReadDoubleLittleEndian(p), Count = 6 };
        for (int i = 0; i < 5; i++)
        {
            r.Values[i] = BinaryPrimitives.ReadSingleLittleEndian(p[(8 + 4 * i)..]);
        }
        r.Values[5] = BinaryPrimitives.ReadInt32LittleEndian(p[28..]);
        return new LegacyReadoutRecord(r);
    }
}
