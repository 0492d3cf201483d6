using Google.Protobuf;
using Xunit;
using Wire = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Transport.Udp.Tests;

public class ArousalSampleWireReaderTests
{
    [Fact]
    public void TryRead_WhatGoogleProtobufWrites_SameFields()
    {
        var rng = new Random(7);
        var m = new Wire.ArousalSample();
        for (int i = 0; i < 500; i++)
        {
            var sent = new Wire.ArousalSample
            {
                Value = rng.NextDouble() * 10 - 5,
                Confidence = (float)rng.NextDouble(),
                Channel = (uint)rng.Next(0, 300),
                Kind = (Wire.SourceKind)rng.Next(0, 6),
                SourceTimeS = rng.NextDouble() * 1e5,
                ArrivalMonoNs = rng.NextInt64(),
                Sequence = (ulong)rng.NextInt64() * 2,
                SessionId = (ulong)rng.Next(0, 3),
            };
            Assert.True(ArousalSampleWireReader.TryRead(sent.ToByteArray(), m));
            Assert.Equal(sent, m);
        }
        // Unknown fields (a newer sender) are skipped, as protobuf requires: field 9 varint, field 10 bytes.
        byte[] withUnknown = [.. new Wire.ArousalSample { Value = 0.25, Sequence = 3 }.ToByteArray(), 0x48, 0x96, 0x01, 0x52, 0x02, 0xAA, 0xBB];
        Assert.True(ArousalSampleWireReader.TryRead(withUnknown, m));
        Assert.Equal((0.25, 3UL), (m.Value, m.Sequence));
    }

    [Fact]
    public void TryRead_TruncatedOrGarbage_FalseWithoutThrowing()
    {
        byte[] good = new Wire.ArousalSample { Value = 0.5, Confidence = 1, Kind = Wire.SourceKind.External, SourceTimeS = 12.5, Sequence = 300 }.ToByteArray();
        var m = new Wire.ArousalSample();
        for (int n = 1; n < good.Length; n++)
        {
            // Every cut inside a field fails; a cut between fields is a valid shorter message.
            bool ok = ArousalSampleWireReader.TryRead(good.AsSpan(0, n), m);
            if (ok)
            {
                Assert.True(ArousalSampleWireReader.TryRead(good.AsSpan(0, n), m));
            }
        }
        Assert.False(ArousalSampleWireReader.TryRead(good.AsSpan(0, 5), m)); // inside the value's 8 bytes
        Assert.False(ArousalSampleWireReader.TryRead([0x00], m)); // field 0
        Assert.False(ArousalSampleWireReader.TryRead([0x0B], m)); // wire type 3 (group)
        Assert.False(ArousalSampleWireReader.TryRead([0x38, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], m)); // varint > 64 bits
        Assert.False(ArousalSampleWireReader.TryRead([0x52, 0x05, 0x01], m)); // length beyond the datagram
        var rng = new Random(11);
        var junk = new byte[64];
        for (int i = 0; i < 2000; i++)
        {
            rng.NextBytes(junk);
            ArousalSampleWireReader.TryRead(junk.AsSpan(0, rng.Next(1, 65)), m); // must not throw
        }
    }
}
