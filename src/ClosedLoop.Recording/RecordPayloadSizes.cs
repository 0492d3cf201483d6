using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Recording;

/// <summary>Payload sizes of the fixed-size record types, bytes (docs/recording.md has the layouts).</summary>
public static class RecordPayloadSizes
{
    public const int InputSample = 38;
    public const int ArousalEstimate = 38;
    public const int LeverChange = 44;
    public const int OutputFrame = 62;
    public const int StepTiming = 37;
    public const int SafetyIntervention = 13;
    public const int Marker = 4;
    public const int ClockOffset = 26;
    public const int Dropped = 16;
    public const int LoopStart = 50;
    public const int Readout = 32;

    /// <summary>Expected payload size of a fixed-size type, or -1 for a variable-size one (Config; Marker may carry a note).</summary>
    public static int Of(RecordType type) => type switch
    {
        RecordType.InputSample => InputSample,
        RecordType.ArousalEstimate => ArousalEstimate,
        RecordType.LeverChange => LeverChange,
        RecordType.OutputFrame => OutputFrame,
        RecordType.StepTiming => StepTiming,
        RecordType.SafetyIntervention => SafetyIntervention,
        RecordType.ClockOffset => ClockOffset,
        RecordType.Dropped => Dropped,
        RecordType.LoopStart => LoopStart,
        RecordType.Readout => Readout,
        _ => -1,
    };
}
