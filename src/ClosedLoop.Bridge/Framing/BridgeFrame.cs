using System.Buffers.Binary;
using System.IO.Hashing;
using ClosedLoop.Bridge.Protocol;

namespace ClosedLoop.Bridge.Framing;

/// <summary>
/// One frame on the wire: COBS(type u8, seq u16, body, CRC-32 of the previous bytes) then a zero delimiter
/// (firmware-bridge/protocol/bridge.schema). CRC-32 is IEEE 802.3 (System.IO.Hashing's Crc32).
/// </summary>
public static class BridgeFrame
{
    /// <summary>Encode <paramref name="message"/> with sequence number <paramref name="seq"/> into <paramref name="wire"/>
    /// (at least <see cref="BridgeProtocol.MaxWire"/> bytes); returns the length, delimiter included.</summary>
    public static int Encode<T>(in T message, ushort seq, Span<byte> wire)
        where T : struct, IBridgeMessage<T>
    {
        Span<byte> payload = stackalloc byte[BridgeProtocol.MaxPayload + BridgeProtocol.CrcSize];
        payload[0] = (byte)T.MessageType;
        BinaryPrimitives.WriteUInt16LittleEndian(payload[1..], seq);
        message.Write(payload[BridgeProtocol.HeaderSize..]);
        int n = BridgeProtocol.HeaderSize + T.BodySize;
        BinaryPrimitives.WriteUInt32LittleEndian(payload[n..], Crc32.HashToUInt32(payload[..n]));
        int w = Cobs.Encode(payload[..(n + BridgeProtocol.CrcSize)], wire);
        wire[w] = 0;
        return w + 1;
    }

    /// <summary>
    /// Check one frame's bytes (no delimiter); on <see cref="FrameError.None"/> the payload was decoded into
    /// <paramref name="scratch"/> (<see cref="BridgeProtocol.MaxPayload"/> + CRC bytes) and the body is at
    /// <see cref="BridgeProtocol.HeaderSize"/>, <paramref name="bodyLength"/> bytes long.
    /// </summary>
    public static FrameError Check(ReadOnlySpan<byte> raw, Span<byte> scratch, out MessageType type, out ushort seq, out int bodyLength)
    {
        type = default;
        seq = 0;
        bodyLength = 0;
        if (raw.Length > BridgeProtocol.MaxWire)
        {
            return FrameError.TooLong;
        }
        if (!Cobs.TryDecode(raw, scratch, out int n))
        {
            return FrameError.Cobs;
        }
        if (n < BridgeProtocol.HeaderSize + BridgeProtocol.CrcSize)
        {
            return FrameError.Short;
        }
        int payloadLength = n - BridgeProtocol.CrcSize;
        if (Crc32.HashToUInt32(scratch[..payloadLength]) != BinaryPrimitives.ReadUInt32LittleEndian(scratch[payloadLength..]))
        {
            return FrameError.Crc;
        }
        type = (MessageType)scratch[0];
        int size = BridgeProtocol.BodySize(type);
        if (size < 0)
        {
            return FrameError.UnknownType;
        }
        if (size != payloadLength - BridgeProtocol.HeaderSize)
        {
            return FrameError.BadLength;
        }
        seq = BinaryPrimitives.ReadUInt16LittleEndian(scratch[1..]);
        bodyLength = size;
        return FrameError.None;
    }
}
