using Xunit;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Safety;
using ClosedLoop.Core.Time;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Recording.Tests;

public class RecordCodecTests
{
    /// <summary>Encode through the codec, check the declared size, decode.</summary>
    private static T RoundTrip<T>(in T record, int expectedSize)
        where T : struct, IRecord<T>
    {
        Assert.Equal(expectedSize, record.PayloadSize);
        if (T.FixedSize >= 0)
        {
            Assert.Equal(T.FixedSize, expectedSize);
        }
        Assert.True(RecordRegistry.IsValidLength(T.Type, (uint)expectedSize));
        var payload = new byte[expectedSize];
        record.Encode(payload);
        return T.Decode(payload);
    }

    [Fact]
    public void InputSample_RoundTrip_KeepsEveryFieldExactly()
    {
        var s = new ArousalSample(3.14159265358979, 0.87f, 1, ArousalSourceKind.Pupil, 1234.5678, long.MaxValue - 3, ulong.MaxValue - 9);
        Assert.Equal(s, RoundTrip(new InputSampleRecord(s), 38).Sample);
    }

    [Fact]
    public void ArousalEstimate_RoundTrip_KeepsEstimateAndPublishCount()
    {
        var e = new ArousalEstimate(0.4f, SampleQuality.Blink | SampleQuality.Bridged, 99.25, -5, 12345);
        Assert.Equal(new ArousalEstimateRecord(e, 4242), RoundTrip(new ArousalEstimateRecord(e, 4242), 38));
    }

    [Fact]
    public void LeverChange_RoundTrip_KeepsAllElevenLevers()
    {
        LeverSet levers = LeverSet.Neutral;
        Span<float> v = LeverSet.AsSpan(ref levers);
        for (int i = 0; i < LeverSet.Count; i++) v[i] = 0.1f * i - 0.3f;
        Assert.Equal(levers, RoundTrip(new LeverChangeRecord(levers), 44).Levers);
    }

    [Fact]
    public void OutputFrame_RoundTrip_KeepsChannelBitsIncludingNegativeZeroAndNaNPayload()
    {
        var f = new OutputFrame { Step = 1000, Ticks = 5, InputSequence = 6, InputArrivalTicks = 7, ChannelCount = 8, Safety = SafetyState.Tripped, InterventionMask = 0xA5 };
        for (int i = 0; i < OutputFrame.MaxChannels; i++) f.Values[i] = i * 1.5f - 2f;
        f.Values[3] = -0f;
        f.Values[4] = BitConverter.UInt32BitsToSingle(0x7FC00123); // a NaN with a payload
        OutputFrame back = RoundTrip(new OutputFrameRecord(f), 62).At(1000);
        Assert.False(OutputComparer.TryFindDifference(f, back, out var d), d.ToString());
        Assert.Equal(f.Ticks, back.Ticks);
    }

    [Fact]
    public void FixedSizeRecords_RoundTrip_Exactly()
    {
        var t = new RecordedTiming(100, 90, 7, long.MinValue, 2, true);
        Assert.Equal(t, RoundTrip(t, 37));
        Assert.Equal(10, t.LatenessTicks);

        var si = new SafetyIntervention(GovernorReason.SlewLimit | GovernorReason.RangeClamp, 2, 5.5f, 4f);
        Assert.Equal(si, RoundTrip(si, 13));

        var info = new LoopStartInfo(1000, 10, 0.1, 1_000_000, 1_000_000_000, 4, OverrunPolicy.Skip, true, "l5", 555);
        Assert.Equal(info, RoundTrip(new LoopStartRecord(info), 50).WithModel("l5"));

        var c = new ClockOffset(ArousalSourceKind.Photometry, 1, -0.004, 0.0002, 999);
        Assert.Equal(c, RoundTrip(new ClockOffsetRecord(c), 26).Offset);

        Assert.Equal(new DroppedRecord(30, 12), RoundTrip(new DroppedRecord(30, 12), 16));

        var latency = new InputLatencyRecord(ulong.MaxValue - 3, 1234.5678901234, -17, long.MaxValue - 5);
        Assert.Equal(latency, RoundTrip(latency, 32));

        foreach (var edge in new[] { new DigitalEdge(ArousalSourceKind.Photometry, 1, true, 12.345678901, long.MaxValue - 1, false),
                     new DigitalEdge(ArousalSourceKind.Photometry, 0, false, -0.5, 17, true) })
        {
            Assert.Equal(edge, RoundTrip(new DigitalEdgeRecord(edge), 19).Edge);
        }
    }

    [Fact]
    public void VariableSizeRecords_RoundTrip_WithTheirLengths()
    {
        Assert.Equal(new MarkerRecord(7, ""), RoundTrip(new MarkerRecord(7), 4));
        Assert.Equal(new MarkerRecord(10, "ingest µ"), RoundTrip(new MarkerRecord(10, "ingest µ"), 4 + 9));
        Assert.Equal(new ConfigRecord("l5", "a = 1\n"), RoundTrip(new ConfigRecord("l5", "a = 1\n"), 2 + 2 + 6));
        var call = new ControlCallRecord(long.MaxValue - 9, 7, "/closedloop.v1.Control/EStop", "token dash (read) from ipv4:127.0.0.1:1", "needs control µ");
        Assert.Equal(call, RoundTrip(call, 16 + 28 + 39 + 16));
        Assert.Equal("EStop refused (PERMISSION_DENIED: needs control µ) by token dash (read) from ipv4:127.0.0.1:1", call.ToString());

        var readout = new ModelReadout { TimeMs = 12.5, Count = 3 };
        readout.Values[0] = 3f;
        readout.Values[1] = float.NaN;
        readout.Values[2] = -0f;
        ModelReadout back = RoundTrip(new ReadoutRecord(readout), 9 + 12).Readout;
        Assert.True(ModelReadout.BitEquals(readout, back));

        var schema = new ReadoutSchema(new ReadoutChannel("x_rate_hz", "Hz", "a rate, with spaces", "pyramidal_rate_hz"), new ReadoutChannel("gain", "1", "gain"));
        ReadoutSchema schemaBack = RoundTrip(new ReadoutSchemaRecord(schema), System.Text.Encoding.UTF8.GetByteCount(schema.ToText())).Schema;
        Assert.Equal(schema.Channels, schemaBack.Channels);
    }

    [Fact]
    public void LegacyReadout_DecodesIntoTheLegacySchemaOrder()
    {
        var r = new ModelReadout { TimeMs = 12.5, Count = 6 };
        float[] values = [3f, 4f, 5f, 0.25f, 1.1f, 17f];
        for (int i = 0; i < values.Length; i++) r.Values[i] = values[i];
        ModelReadout back = RoundTrip(new LegacyReadoutRecord(r), 32).Readout;
        Assert.True(ModelReadout.BitEquals(r, back));
        Assert.Equal(17f, back.Get(ReadoutNames.Legacy, ReadoutNames.SpikesPerStep));
    }

    [Fact]
    public void Registry_EveryRecordTypeHasExactlyOneCodec()
    {
        foreach (RecordType type in Enum.GetValues<RecordType>())
        {
            Assert.True(RecordRegistry.IsKnown(type), $"{type} has no codec");
        }
        Assert.Equal(Enum.GetValues<RecordType>().Length, RecordRegistry.RecordTypes.Count());
    }

    [Fact]
    public void Registry_WrongLengthForFixedType_IsInvalid()
    {
        Assert.False(RecordRegistry.IsValidLength(RecordType.OutputFrame, 61));
        Assert.False(RecordRegistry.IsValidLength(RecordType.ModelReadout, 8));
        Assert.True(RecordRegistry.IsValidLength((RecordType)200, 12345)); // a newer writer's type: skipped, not damage
    }

    [Fact]
    public void ReadoutRecord_LargestFitsOneRealTimeSlot()
    {
        Assert.True(ReadoutRecord.MaxSize <= RecordSlot.MaxPayload);
    }
}
