using System.IO.Hashing;

namespace ClosedLoop.Recording;

/// <summary>
/// The block checksum: CRC-32 as in IEEE 802.3 / zlib (reflected polynomial 0xEDB88320, init and final
/// XOR 0xFFFFFFFF; check value of "123456789" is 0xCBF43926), from System.IO.Hashing.
/// </summary>
public static class BlockChecksum
{
    /// <summary>CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Crc32.HashToUInt32(data);
}
