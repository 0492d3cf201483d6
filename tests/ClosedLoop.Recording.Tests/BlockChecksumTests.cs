using Xunit;
using System.Buffers.Binary;
using System.Text;
using ClosedLoop.Recording;

namespace ClosedLoop.Recording.Tests;

public class BlockChecksumTests
{
    [Fact]
    public void Compute_StandardCheckString_GivesCrc32CheckValue()
    {
        // CRC-32/ISO-HDLC (zlib, IEEE 802.3) check value from the CRC catalogue (reveng.sourceforge.io/crc-catalogue): 0xCBF43926.
        Assert.Equal(0xCBF43926u, BlockChecksum.Compute("123456789"u8));
    }

    [Fact]
    public void Compute_Empty_IsZero()
    {
        Assert.Equal(0u, BlockChecksum.Compute([]));
    }

    [Fact]
    public void Compute_MatchesBitwiseReferenceImplementation()
    {
        // Independent reference: the textbook bit-at-a-time reflected CRC-32 (poly 0xEDB88320).
        var rng = new Random(7);
        var data = new byte[1000];
        rng.NextBytes(data);
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        Assert.Equal(~crc, BlockChecksum.Compute(data));
    }

    [Fact]
    public void HeaderEncode_WritesDocumentedBytes()
    {
        var header = new RecordingHeader(1, CreatedUnixMicroseconds: 0x0102030405060708, CreatedTicks: 42, ClockFrequency: 1_000_000_000);
        var bytes = new byte[RecordingFormat.FileHeaderSize];
        header.Encode(bytes);
        Assert.Equal("CLRECLOG", Encoding.ASCII.GetString(bytes, 0, 8));
        Assert.Equal(new byte[] { 1, 0, 48, 0, 0, 0, 0, 0 }, bytes[8..16]); // version 1, header size 48, flags 0
        Assert.Equal(new byte[] { 8, 7, 6, 5, 4, 3, 2, 1 }, bytes[16..24]); // little-endian created time
        Assert.Equal(42, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(24)));
        Assert.Equal(1_000_000_000, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(32)));
        Assert.Equal(BlockChecksum.Compute(bytes.AsSpan(0, 44)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(44)));
        Assert.True(RecordingHeader.TryParse(bytes, out RecordingHeader parsed, out _));
        Assert.Equal(header, parsed);
    }

    [Fact]
    public void HeaderTryParse_FlippedBit_FailsWithChecksumError()
    {
        var bytes = new byte[RecordingFormat.FileHeaderSize];
        new RecordingHeader(1, 5, 6, 7).Encode(bytes);
        bytes[30] ^= 0x10;
        Assert.False(RecordingHeader.TryParse(bytes, out _, out string? error));
        Assert.Contains("checksum", error);
    }

    [Fact]
    public void BlockMagic_IsAsciiCBLKOnDisk()
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, RecordingFormat.BlockMagic);
        Assert.Equal("CBLK", Encoding.ASCII.GetString(b));
    }
}
