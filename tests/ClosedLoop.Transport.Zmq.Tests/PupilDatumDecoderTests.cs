using ClosedLoop.Transport.Zmq.Pupil;
using MessagePack;
using Xunit;

namespace ClosedLoop.Transport.Zmq.Tests;

public sealed class PupilDatumDecoderTests
{
    private static ReadOnlyMemory<byte> Pack(object value) => MessagePackSerializer.Serialize<object>(value);

    [Fact]
    public void TryDecode_NumbersOfEveryPackedType_Converted()
    {
        // msgpack packs 1 as a positive fixint (decoded as byte), 3.25f as float32, 2 as fixint, 100.5 as float64.
        var map = new Dictionary<object, object>
        {
            ["id"] = (byte)1, ["timestamp"] = 100.5, ["confidence"] = 1, ["diameter_3d"] = 3.25f, ["diameter"] = (ushort)300,
        };
        Assert.True(PupilDatumDecoder.TryDecode("pupil.1.3d", Pack(map), use3d: true, out var datum, out var error), error);
        Assert.Equal(new PupilDatum(1, 100.5, 1.0, 3.25), datum);
        Assert.True(PupilDatumDecoder.TryDecode("pupil.1.2d", Pack(map), use3d: false, out datum, out error), error);
        Assert.Equal(300.0, datum.Diameter);
    }

    [Fact]
    public void TryDecode_NoIdKey_EyeFromTopic()
    {
        var map = new Dictionary<object, object> { ["timestamp"] = 1.0, ["confidence"] = 0.5, ["diameter_3d"] = 4.0 };
        Assert.True(PupilDatumDecoder.TryDecode("pupil.0.3d", Pack(map), true, out var datum, out _));
        Assert.Equal(0, datum.Eye);
    }

    [Theory]
    [InlineData(new byte[] { 0xc1 }, "undecodable")]                 // 0xc1: never used in msgpack
    [InlineData(new byte[] { 0x93, 0x01, 0x02, 0x03 }, "expected a map")] // [1, 2, 3]
    [InlineData(new byte[] { 0x81, 0xa1, 0x78 }, "undecodable")]     // map of 1 pair, value truncated
    public void TryDecode_BadPayload_FalseWithReason(byte[] payload, string reason)
    {
        Assert.False(PupilDatumDecoder.TryDecode("pupil.0.3d", payload, true, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_DiameterIsAString_FalseWithReason()
    {
        var map = new Dictionary<object, object> { ["id"] = 0, ["timestamp"] = 1.0, ["confidence"] = 0.5, ["diameter_3d"] = "4.0" };
        Assert.False(PupilDatumDecoder.TryDecode("pupil.0.3d", Pack(map), true, out _, out var error));
        Assert.Contains("'diameter_3d' is String", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_MissingTimestamp_FalseWithReason()
    {
        var map = new Dictionary<object, object> { ["id"] = 0, ["confidence"] = 0.5, ["diameter_3d"] = 4.0 };
        Assert.False(PupilDatumDecoder.TryDecode("pupil.0.3d", Pack(map), true, out _, out var error));
        Assert.Contains("'timestamp' missing", error, StringComparison.Ordinal);
    }
}
