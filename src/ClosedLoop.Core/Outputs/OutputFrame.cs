using System.Runtime.CompilerServices;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Core.Outputs;

/// <summary>Up to <see cref="OutputFrame.MaxChannels"/> output channel values, in channel units (see the channel config).</summary>
[InlineArray(OutputFrame.MaxChannels)]
public struct OutputChannels
{
    private float _element0;
}

/// <summary>State of the safety governor, as it stamps every output frame.</summary>
public enum SafetyState : byte
{
    /// <summary>Outputs pass (possibly clamped by limits).</summary>
    Armed = 0,

    /// <summary>Not yet armed (start-up, waiting for input or device acknowledgement): outputs at safe level.</summary>
    Disarmed = 1,

    /// <summary>Watchdog tripped (stale input, overrun streak, lost device): outputs at safe level.</summary>
    Tripped = 2,

    /// <summary>Emergency stop latched: outputs at safe level until reset.</summary>
    EStop = 3,
}

/// <summary>One step's outputs after the safety governor: what leaves for every sink.</summary>
public struct OutputFrame
{
    /// <summary>Maximum number of output channels.</summary>
    public const int MaxChannels = 8;

    /// <summary>Loop step index.</summary>
    public long Step;

    /// <summary>Monotonic ticks when the frame was produced.</summary>
    public long Ticks;

    /// <summary>Sequence of the newest input sample that contributed (for input-to-output latency).</summary>
    public ulong InputSequence;

    /// <summary>Arrival ticks of that input sample.</summary>
    public long InputArrivalTicks;

    /// <summary>Number of channels in use.</summary>
    public int ChannelCount;

    /// <summary>Channel values after the governor.</summary>
    public OutputChannels Values;

    /// <summary>Governor state when the frame left.</summary>
    public SafetyState Safety;

    /// <summary>Bit i set = channel i was clamped or forced safe this step.</summary>
    public byte InterventionMask;
}

/// <summary>One step's telemetry (timing, arousal, model readout), for status lines, ZeroMQ and gRPC streams.</summary>
public struct TelemetryFrame
{
    public long Step;
    public long Ticks;

    /// <summary>How late the step started relative to its deadline, microseconds.</summary>
    public float LatenessUs;

    /// <summary>Compute time of the step, microseconds.</summary>
    public float ComputeUs;

    public float Arousal;
    public ushort ArousalQuality;

    /// <summary>The model's readout after the step, in the order of the model's readout schema.</summary>
    public ModelReadout Readout;

    public SafetyState Safety;
    public long Overruns;

    /// <summary>
    /// On the step that first used a new input: its arrival (ingest's monotonic stamp) to this step's output frame
    /// being published, microseconds; NaN on steps without a new input.
    /// </summary>
    public float InputToOutputUs;
}
