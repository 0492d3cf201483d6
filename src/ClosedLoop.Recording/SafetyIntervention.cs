using System.Buffers.Binary;
using ClosedLoop.Core.Safety;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Recording;

/// <summary>One safety-governor intervention as recorded.</summary>
/// <param name="Reasons">Governor reason (one bit from the governor's own log; the step's whole bit set otherwise).</param>
/// <param name="Channel">Output channel index, or <see cref="AllChannels"/> when it concerns no single channel.</param>
/// <param name="Before">Value the readout asked for, channel units (NaN for a whole-frame intervention, or without the governor attached to the loop recorder).</param>
/// <param name="After">Value the governor let out, channel units (NaN for a whole-frame intervention from the governor's log).</param>
public readonly record struct SafetyIntervention(GovernorReason Reasons, byte Channel, float Before, float After)
    : IRecord<SafetyIntervention>
{
    public static RecordType Type => RecordType.SafetyIntervention;

    public static int FixedSize => 13;

    public static int MinSize => FixedSize;

    public int PayloadSize => FixedSize;

    public void Encode(Span<byte> p)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(p, (uint)Reasons);
        p[4] = Channel;
        BinaryPrimitives.WriteSingleLittleEndian(p[5..], Before);
        BinaryPrimitives.WriteSingleLittleEndian(p[9..], After);
    }

    public static SafetyIntervention Decode(ReadOnlySpan<byte> p) => new(
        (GovernorReason)BinaryPrimitives.ReadUInt32LittleEndian(p),
        p[4],
        BinaryPrimitives.ReadSingleLittleEndian(p[5..]),
        BinaryPrimitives.ReadSingleLittleEndian(p[9..]));

    /// <summary>Channel value meaning "not one channel" (e.g. disarmed or e-stop for the whole frame).</summary>
    public const byte AllChannels = 255;
}
