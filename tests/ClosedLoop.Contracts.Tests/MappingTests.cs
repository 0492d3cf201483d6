using ClosedLoop.Contracts.Mapping;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using Xunit;
using Wire = ClosedLoop.Contracts.V1;
using ClosedLoop.Core.Models;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Contracts.Tests;

/// <summary>Core structs -> wire -> bytes -> wire -> Core returns the same values.</summary>
public sealed class MappingTests
{
    private static T ThroughBytes<T>(T message) where T : Google.Protobuf.IMessage<T>, new()
    {
        var parser = new Google.Protobuf.MessageParser<T>(() => new T());
        return parser.ParseFrom(Google.Protobuf.MessageExtensions.ToByteArray(message));
    }

    [Fact]
    public void Sample_CoreToWireAndBack_Equal()
    {
        var core = new ArousalSample(4.125, 0.5f, 1, ArousalSourceKind.Photometry, 77.25, MonoClock.Now, 99);
        var wire = ThroughBytes(SampleMapper.ToWire(core));
        Assert.True(SampleMapper.TryFromWire(wire, core.ArrivalTicks, out var back, out var error), error);
        Assert.Equal(core, back);
        Assert.Equal(MonoNanos.FromTicks(core.ArrivalTicks), wire.ArrivalMonoNs);
    }

    [Fact]
    public void Sample_UnknownKind_Rejected()
    {
        var wire = new Wire.ArousalSample { Kind = (Wire.SourceKind)42 };
        Assert.False(SampleMapper.TryFromWire(wire, 0, out _, out var error));
        Assert.Contains("42", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Levers_CoreToWireAndBack_EqualAndFieldNamesMatchCore()
    {
        var levers = LeverSet.Neutral;
        var span = LeverSet.AsSpan(ref levers);
        for (int i = 0; i < LeverSet.Count; i++) span[i] = 0.5f + i;
        Assert.Equal(levers, LeverMapper.FromWire(ThroughBytes(LeverMapper.ToWire(levers))));
        // The proto declares the levers in Core's order with the schema's names (LeverSchema.Names).
        var protoNames = Wire.LeverSet.Descriptor.Fields.InDeclarationOrder().Select(f => f.Name);
        Assert.Equal(LeverSchema.Names, protoNames);
    }

    [Fact]
    public void Levers_EachLever_TravelsInTheProtoFieldOfItsSchemaName()
    {
        foreach (var info in LeverSchema.All)
        {
            var levers = default(LeverSet);
            levers[info.Lever] = 3.25f;
            var wire = LeverMapper.ToWire(levers);
            var field = Wire.LeverSet.Descriptor.FindFieldByName(info.Name);
            Assert.NotNull(field);
            Assert.Equal((int)info.Lever + 1, field.FieldNumber);
            foreach (var other in Wire.LeverSet.Descriptor.Fields.InFieldNumberOrder())
            {
                Assert.Equal(other == field ? 3.25f : 0f, (float)other.Accessor.GetValue(wire));
            }
            Assert.Equal(levers, LeverMapper.FromWire(ThroughBytes(wire)));
        }
    }

    [Fact]
    public void SourceKind_ProtoEnumMatchesCore()
    {
        foreach (var kind in Enum.GetValues<ArousalSourceKind>())
        {
            var wire = (Wire.SourceKind)(int)kind;
            string expected = "SOURCE_KIND_" + kind.ToString().ToUpperInvariant();
            Assert.Equal(expected, Wire.ArousalReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("SourceKind").FindValueByNumber((int)wire).Name);
        }
    }

    [Fact]
    public void OutputFrame_CoreToWireAndBack_Equal()
    {
        var f = new OutputFrame
        {
            Step = 5, Ticks = MonoClock.Now, InputSequence = 8, InputArrivalTicks = MonoClock.Now - 100, ChannelCount = OutputFrame.MaxChannels,
            Safety = SafetyState.Tripped, InterventionMask = 0x81,
        };
        for (int i = 0; i < OutputFrame.MaxChannels; i++) f.Values[i] = i * 1.5f - 3f;
        var back = FrameMapper.FromWire(ThroughBytes(FrameMapper.ToWire(f, lost: 4)));
        Assert.Equal(f.Step, back.Step);
        Assert.Equal(f.Ticks, back.Ticks);
        Assert.Equal(f.InputSequence, back.InputSequence);
        Assert.Equal(f.InputArrivalTicks, back.InputArrivalTicks);
        Assert.Equal(f.ChannelCount, back.ChannelCount);
        Assert.Equal(((ReadOnlySpan<float>)f.Values).ToArray(), ((ReadOnlySpan<float>)back.Values).ToArray());
        Assert.Equal(f.Safety, back.Safety);
        Assert.Equal(f.InterventionMask, back.InterventionMask);
    }

    [Fact]
    public void OutputFrame_TooManyWireValues_ClampedToMaxChannels()
    {
        var wire = new Wire.OutputFrame();
        for (int i = 0; i < 12; i++) wire.Values.Add(i);
        var f = FrameMapper.FromWire(wire);
        Assert.Equal(OutputFrame.MaxChannels, f.ChannelCount);
        Assert.Equal(7f, f.Values[7]);
    }

    [Fact]
    public void TelemetryFrame_CoreToWireAndBack_Equal()
    {
        var t = new TelemetryFrame
        {
            Step = 11, Ticks = MonoClock.Now, LatenessUs = 2.5f, ComputeUs = 70f, Arousal = 0.3f, ArousalQuality = 5,
            Readout = Readouts.Legacy(3.5, 4f, 8f, 16f, 0.05f, 0.8f, 2), Safety = SafetyState.EStop, Overruns = 9,
        };
        var mapper = new TelemetryMapper(ReadoutNames.Legacy);
        Wire.TelemetryFrame wire = ThroughBytes(mapper.ToWire(t, lost: 1, withSchema: true));
        var back = TelemetryMapper.FromWire(wire);
        Assert.True(ModelReadout.BitEquals(t.Readout with { TimeMs = 0 }, back.Readout)); // time rides in mono_ns, not the readout
        Assert.Equal((t.Step, t.Ticks, t.LatenessUs, t.ComputeUs, t.Arousal, t.ArousalQuality, t.Safety, t.Overruns),
            (back.Step, back.Ticks, back.LatenessUs, back.ComputeUs, back.Arousal, back.ArousalQuality, back.Safety, back.Overruns));
        // Fields 7..11 repeat the standard names for older clients; the schema comes with the frame when asked.
        Assert.Equal((0.8f, 4f, 8f, 16f, 0.05f), (wire.Gain, wire.PyramidalRateHz, wire.SomRateHz, wire.PvRateHz, wire.BurstFraction));
        Assert.Equal(ReadoutNames.Legacy.Channels, TelemetryMapper.SchemaFromWire(wire.ReadoutSchema).Channels);
    }

    [Fact]
    public void TelemetryFrame_ModelWithoutStandardNames_FixedFieldsZeroAndVectorCarriesValues()
    {
        var schema = new ReadoutSchema(new ReadoutChannel("latent_1", "1", "first latent"), new ReadoutChannel("latent_2", "1", "second latent"));
        var t = new TelemetryFrame { Step = 1, Readout = new ModelReadout { Count = 2 } };
        t.Readout.Values[0] = 0.25f;
        t.Readout.Values[1] = -1f;
        Wire.TelemetryFrame wire = ThroughBytes(new TelemetryMapper(schema).ToWire(t));
        Assert.Equal([0.25f, -1f], wire.Readout);
        Assert.Equal(0f, wire.PyramidalRateHz);
        Assert.Empty(wire.ReadoutSchema);
    }

    [Theory]
    [InlineData(SafetyState.Armed, Wire.SafetyState.Armed)]
    [InlineData(SafetyState.Disarmed, Wire.SafetyState.Disarmed)]
    [InlineData(SafetyState.Tripped, Wire.SafetyState.Tripped)]
    [InlineData(SafetyState.EStop, Wire.SafetyState.Estop)]
    public void SafetyState_EveryValue_MapsBothWays(SafetyState core, Wire.SafetyState wire)
    {
        Assert.Equal(wire, FrameMapper.ToWire(core));
        Assert.Equal(core, FrameMapper.FromWire(wire));
    }

    [Fact]
    public void SafetyState_UnspecifiedOnWire_MapsToSafeDisarmed() =>
        Assert.Equal(SafetyState.Disarmed, FrameMapper.FromWire(Wire.SafetyState.Unspecified));

    [Fact]
    public void MonoNanos_TicksToNanosAndBack_Identity()
    {
        long now = MonoClock.Now;
        Assert.Equal(now, MonoNanos.ToTicks(MonoNanos.FromTicks(now)));
        Assert.Equal(1_000_000_000, MonoNanos.FromTicks(MonoClock.Frequency)); // one second of ticks
    }
}
