using System.Text;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Recording.Records;

/// <summary>
/// The model's readout schema (format version 2), written once before the first step: UTF-8 text, one value a
/// line, <c>name TAB unit TAB alias TAB description</c> (<see cref="ReadoutSchema.ToText"/>). Readout records follow its order.
/// </summary>
/// <param name="Schema">The schema.</param>
public readonly record struct ReadoutSchemaRecord(ReadoutSchema Schema) : IRecord<ReadoutSchemaRecord>
{
    public static RecordType Type => RecordType.ReadoutSchema;

    public static int FixedSize => -1;

    public static int MinSize => 0;

    public int PayloadSize => Encoding.UTF8.GetByteCount(Schema.ToText());

    public void Encode(Span<byte> p) => Encoding.UTF8.GetBytes(Schema.ToText(), p);

    public static ReadoutSchemaRecord Decode(ReadOnlySpan<byte> p)
    {
        try
        {
            return new ReadoutSchemaRecord(ReadoutSchema.Parse(Encoding.UTF8.GetString(p)));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new InvalidDataException($"readout schema record: {ex.Message}", ex);
        }
    }
}
