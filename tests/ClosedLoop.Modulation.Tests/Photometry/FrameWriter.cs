using System.Buffers.Binary;

namespace ClosedLoop.Modulation.Tests.Photometry;

/// <summary>Test-side pyPhotometry frame builder (the byte-exact test checks it against a hand-written vector).</summary>
internal static class FrameWriter
{
    /// <summary>0x07, u16 chunk, u16 checksum (sum of words mod 2^16, or <paramref name="checksumOverride"/>), words; little-endian.</summary>
    public static byte[] Frame(ushort chunk, ReadOnlySpan<ushort> words, int? checksumOverride = null)
    {
        var bytes = new byte[5 + 2 * words.Length];
        bytes[0] = 0x07;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(1), chunk);
        ushort sum = 0;
        for (int i = 0; i < words.Length; i++)
        {
            sum += words[i];
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(5 + 2 * i), words[i]);
        }
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(3), (ushort)(checksumOverride ?? sum));
        return bytes;
    }

    /// <summary>A word: 15-bit value in bits 15..1, digital input in bit 0.</summary>
    public static ushort Word(int value, bool digital = false) => (ushort)((value << 1) | (digital ? 1 : 0));

    /// <summary>A frame of <paramref name="sets"/> two-channel sets whose values encode the chunk and position (for gap tests).</summary>
    public static byte[] Counting(ushort chunk, int sets, int? checksumOverride = null)
    {
        var words = new ushort[2 * sets];
        for (int s = 0; s < sets; s++)
        {
            words[2 * s] = Word((chunk * 7 + s) & 0x3FFF);
            words[2 * s + 1] = Word(((chunk * 7 + s) & 0x3FFF) + 1);
        }
        return Frame(chunk, words, checksumOverride);
    }
}
