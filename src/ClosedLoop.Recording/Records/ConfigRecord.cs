using System.Buffers.Binary;
using System.Text;

namespace ClosedLoop.Recording.Records;

/// <summary>The run's model name and its config text (UTF-8): u16 name length, name, text. Written once, first.</summary>
/// <param name="ModelName">The model's name.</param>
/// <param name="ConfigText">The config the run used (the effective config, every default filled in, since format version 2).</param>
public readonly record struct ConfigRecord(string ModelName, string ConfigText) : IRecord<ConfigRecord>
{
    public static RecordType Type => RecordType.Config;

    public static int FixedSize => -1;

    public static int MinSize => 2;

    public int PayloadSize => 2 + Encoding.UTF8.GetByteCount(ModelName) + Encoding.UTF8.GetByteCount(ConfigText);

    public void Encode(Span<byte> p)
    {
        int nameLength = Encoding.UTF8.GetByteCount(ModelName);
        if (nameLength > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(ModelName), nameLength, "model name longer than 65535 bytes");
        }
        BinaryPrimitives.WriteUInt16LittleEndian(p, (ushort)nameLength);
        Encoding.UTF8.GetBytes(ModelName, p[2..]);
        Encoding.UTF8.GetBytes(ConfigText, p[(2 + nameLength)..]);
    }

    public static ConfigRecord Decode(ReadOnlySpan<byte> p)
    {
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(p);
        if (2 + nameLength > p.Length)
        {
            throw new InvalidDataException($"config record: model name length {nameLength} exceeds payload {p.Length}");
        }
        return new ConfigRecord(Encoding.UTF8.GetString(p.Slice(2, nameLength)), Encoding.UTF8.GetString(p[(2 + nameLength)..]));
    }
}
