using System.Buffers;
using ClosedLoop.Bridge.Framing;
using ClosedLoop.Bridge.Protocol;
using Xunit;

namespace ClosedLoop.Bridge.Tests;

public class FramingTests
{
    public static TheoryData<string> Vectors() => [.. FrameVector.Load().Select(v => v.Name)];

    private static FrameVector Vector(string name) => FrameVector.Load().Single(v => v.Name == name);

    [Fact]
    public void Vectors_FileHasEveryMessageTypeAndEveryError()
    {
        var all = FrameVector.Load();
        Assert.Equal(Enum.GetValues<MessageType>().Length, all.Where(v => !v.IsReject).Select(v => v.Type).Distinct().Count());
        Assert.Equal(Enum.GetValues<FrameError>().Length - 1, all.Where(v => v.IsReject).Select(v => v.Error).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Decode_SharedVector_GivesItsFieldsOrItsError(string name)
    {
        var v = Vector(name);
        var decoder = new FrameDecoder();
        var buffer = new ReadOnlySequence<byte>(v.Wire);
        var result = decoder.TryRead(ref buffer, out var frame, out var error);
        if (v.IsReject)
        {
            Assert.Equal(FrameReadResult.Rejected, result);
            Assert.Equal(v.Error, ErrorName(error));
            Assert.Equal(1, decoder.RejectedTotal);
            return;
        }
        Assert.Equal(FrameReadResult.Frame, result);
        Assert.Equal(v.Type, (byte)frame.Type);
        Assert.Equal(v.Seq, frame.Seq);
        foreach (var (path, value) in v.Fields)
        {
            Assert.Equal(value, BridgeFieldAccess.Get(frame.Type, frame.Body, path));
        }
        Assert.Equal(0, buffer.Length);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Encode_SharedVectorFields_GivesItsBytesExactly(string name)
    {
        var v = Vector(name);
        if (v.IsReject)
        {
            return;
        }
        byte[] body = BridgeFieldAccess.Encode((MessageType)v.Type, v.Fields);
        var wire = new byte[BridgeProtocol.MaxWire];
        int n = EncodeBody((MessageType)v.Type, body, v.Seq, wire);
        Assert.Equal(Convert.ToHexString(v.Wire), Convert.ToHexString(wire, 0, n));
    }

    [Fact]
    public void Vectors_U64FieldsBeyondADouble_RoundTripExactly()
    {
        // 2^53 + 1 and 2^64 - 3 have no double: a codec or a vector reader that passes u64 through a double rounds them.
        var output = Vector("output");
        Assert.Equal(BridgeFieldValue.Of((1UL << 53) + 1), output.Fields.Single(f => f.Key == "device_time_seen_us").Value);
        var body = BridgeFieldAccess.Encode(MessageType.Output, output.Fields);
        Assert.Equal((1UL << 53) + 1, Output.Read(body).DeviceTimeSeenUs);
        var hb = Vector("device_heartbeat");
        var echo = hb.Fields.Single(f => f.Key == "echo_host_time_ns").Value;
        Assert.Equal(ulong.MaxValue - 2, echo.Integer);
        Assert.Equal(ulong.MaxValue - 2, DeviceHeartbeat.Read(BridgeFieldAccess.Encode(MessageType.DeviceHeartbeat, hb.Fields)).EchoHostTimeNs);
    }

    [Fact]
    public void TryRead_FramesSplitAcrossSegmentsAndMixedWithGarbage_CountsEveryRejection()
    {
        var hello = Vector("hello").Wire;
        var bad = Vector("bad_crc").Wire;
        var stream = new List<byte>();
        stream.AddRange(hello);
        stream.AddRange(bad);
        stream.Add(0); // an empty frame: skipped, not counted
        stream.AddRange(Enumerable.Repeat((byte)0x33, 500));
        stream.Add(0);
        stream.AddRange(hello);
        var decoder = new FrameDecoder();
        int frames = 0;
        var pending = new List<byte>();
        // Feed 7 bytes at a time, as a serial port would deliver them.
        foreach (var chunk in stream.Chunk(7))
        {
            pending.AddRange(chunk);
            var buffer = new ReadOnlySequence<byte>(pending.ToArray());
            while (true)
            {
                var r = decoder.TryRead(ref buffer, out var f, out _);
                if (r == FrameReadResult.NeedMore)
                {
                    break;
                }
                if (r == FrameReadResult.Frame)
                {
                    Assert.Equal(MessageType.Hello, f.Type);
                    frames++;
                }
            }
            pending = buffer.ToArray().ToList();
        }
        Assert.Equal(2, frames);
        Assert.Equal(1, decoder.Rejected(FrameError.Crc));
        Assert.Equal(1, decoder.Rejected(FrameError.TooLong));
        Assert.Equal(2, decoder.RejectedTotal);
    }

    [Fact]
    public void Cobs_Block254_RoundTrips()
    {
        var data = Enumerable.Range(1, 254).Select(i => (byte)i).ToArray();
        var enc = new byte[Cobs.MaxEncodedLength(data.Length)];
        int n = Cobs.Encode(data, enc);
        Assert.Equal(256, n);
        Assert.Equal(0xFF, enc[0]);
        var dec = new byte[300];
        Assert.True(Cobs.TryDecode(enc.AsSpan(0, n), dec, out int m));
        Assert.Equal(data, dec[..m]);
        Assert.False(Cobs.TryDecode(enc.AsSpan(0, n), new byte[100], out _));
    }

    private static string ErrorName(FrameError e) => e switch
    {
        FrameError.TooLong => "TOO_LONG",
        FrameError.UnknownType => "UNKNOWN_TYPE",
        FrameError.BadLength => "BAD_LENGTH",
        _ => e.ToString().ToUpperInvariant(),
    };

    private static int EncodeBody(MessageType type, byte[] body, ushort seq, byte[] wire) => type switch
    {
        MessageType.Hello => BridgeFrame.Encode(Hello.Read(body), seq, wire),
        MessageType.HelloAck => BridgeFrame.Encode(HelloAck.Read(body), seq, wire),
        MessageType.Limits => BridgeFrame.Encode(Limits.Read(body), seq, wire),
        MessageType.LimitsAck => BridgeFrame.Encode(LimitsAck.Read(body), seq, wire),
        MessageType.Output => BridgeFrame.Encode(Output.Read(body), seq, wire),
        MessageType.HostHeartbeat => BridgeFrame.Encode(HostHeartbeat.Read(body), seq, wire),
        MessageType.ClearEstop => BridgeFrame.Encode(ClearEstop.Read(body), seq, wire),
        MessageType.DeviceHeartbeat => BridgeFrame.Encode(DeviceHeartbeat.Read(body), seq, wire),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
