using ClosedLoop.Contracts.V1;
using Google.Protobuf;
using Xunit;

namespace ClosedLoop.Contracts.Tests;

/// <summary>Every message in protos/closedloop/v1 survives serialise -> parse with every field set.</summary>
public sealed class WireRoundTripTests
{
    private static LeverSet Levers() => new()
    {
        Coupling = 0.5f, DendriticDrive = 120f, SomaticDrive = -30f, ThresholdShift = -2f, RestingShift = 1.5f,
        AmpaGain = 1.1f, NmdaGain = 0.9f, GabaGain = 2f, SynapticTimeScale = 0.5f, SomStrength = 3f, PvStrength = 0.25f,
    };

    private static ArousalSample Sample(ulong seq) => new()
    {
        Value = 3.25, Confidence = 0.75f, Channel = 1, Kind = SourceKind.Pupil, SourceTimeS = 1234.5678,
        ArrivalMonoNs = 987_654_321_000, Sequence = seq,
    };

    public static TheoryData<IMessage> Messages()
    {
        var data = new TheoryData<IMessage>();
        foreach (var m in AllMessages()) data.Add(m);
        return data;
    }

    private static IMessage[] AllMessages() =>
    [
        Sample(42),
        new ArousalSampleBatch { Samples = { Sample(1), Sample(2), Sample(3) } },
        Levers(),
        new StartRequest(),
        new StopRequest(),
        new SetLeversRequest { Levers = Levers() },
        new LoadConfigRequest { Toml = "name = \"x\"\n[loop]\nrate_hz = 1000\n" },
        new GetStatusRequest(),
        new EStopRequest { Reason = "operator" },
        new ResetEStopRequest(),
        new ClearLeversRequest(),
        new Status
        {
            State = LoopState.Running, Safety = SafetyState.Tripped, Step = 1_000_000, Levers = Levers(), Overruns = 3,
            EstopReason = "none", ConfigName = "bench", StepRateHz = 2000, ModelName = "l5-spiking",
            ReadoutSchema = { new ReadoutChannel { Name = "gain", Unit = "1", Description = "gain" } },
            IngestErrors = { new IngestErrorCount { Kind = "NonFinite", Count = 4, LastDetail = "value NaN" } },
        },
        new IngestErrorCount { Kind = "Malformed", Count = 1, LastDetail = "truncated varint" },
        new ReadoutChannel { Name = "excitatory_rate_hz", Unit = "Hz", Description = "E rate", Alias = "pyramidal_rate_hz" },
        new OutputFrame
        {
            Step = 9, MonoNs = 123, InputSequence = 77, InputArrivalMonoNs = 100, Values = { 1f, -2f, 3.5f },
            Safety = SafetyState.Armed, InterventionMask = 0b101, Lost = 12,
        },
        new TelemetryFrame
        {
            Step = 9, MonoNs = 123, LatenessUs = 4.5f, ComputeUs = 80f, Arousal = 0.6f, ArousalQuality = 3, Gain = 1.2f,
            PyramidalRateHz = 6f, SomRateHz = 10f, PvRateHz = 25f, BurstFraction = 0.2f, Safety = SafetyState.Estop,
            Overruns = 2, Lost = 1, Readout = { 6f, 10f, 25f, 0.2f, 1.2f },
            ReadoutSchema = { new ReadoutChannel { Name = "pyramidal_rate_hz", Unit = "Hz", Description = "rate" } },
        },
        new IngestSummary { Received = 10, Accepted = 6, NonFinite = 1, TimeWentBackwards = 1, SequenceGaps = 2, Malformed = 2 },
        new SubscribeRequest { FromNow = true },
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Serialize_ThenParse_EqualMessage(IMessage message)
    {
        byte[] bytes = message.ToByteArray();
        var parsed = message.Descriptor.Parser.ParseFrom(bytes);
        Assert.Equal(message, parsed);
        Assert.Equal(bytes, parsed.ToByteArray());
    }

    [Fact]
    public void Messages_CoverEveryMessageInTheProtos()
    {
        var files = new[] { ArousalReflection.Descriptor, ControlReflection.Descriptor, StreamsReflection.Descriptor };
        var declared = files.SelectMany(f => f.MessageTypes).Select(m => m.FullName).ToHashSet();
        var tested = AllMessages().Select(m => m.Descriptor.FullName).ToHashSet();
        Assert.Equal(declared.Order(), tested.Order());
    }

    [Fact]
    public void ArousalSample_KnownValues_ByteExactEncoding()
    {
        var m = new ArousalSample { Value = 1.5, Confidence = 0.5f, Channel = 1, Kind = SourceKind.Pupil, SourceTimeS = 2.0, Sequence = 3 };
        byte[] expected =
        [
            0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x3F, // field 1 value (fixed64 double 1.5, little-endian)
            0x15, 0x00, 0x00, 0x00, 0x3F,                         // field 2 confidence (fixed32 float 0.5)
            0x18, 0x01,                                           // field 3 channel = 1 (varint)
            0x20, 0x02,                                           // field 4 kind = SOURCE_KIND_PUPIL (2)
            0x29, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, // field 5 source_time_s = 2.0
            // field 6 arrival_mono_ns = 0: proto3 omits defaults
            0x38, 0x03,                                           // field 7 sequence = 3
        ];
        Assert.Equal(expected, m.ToByteArray());
    }
}
