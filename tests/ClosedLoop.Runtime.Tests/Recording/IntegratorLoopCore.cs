using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Safety;
using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Safety;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Runtime.Tests.Recording;

/// <summary>
/// A small but genuine deterministic loop step, shaped like the runtime's: read the newest estimate from a
/// <see cref="LatestValueMailbox{T}"/>, integrate it (y = leak * y + gain * u, in float), flag stale input
/// against the step's "now", publish a frame. The live test run and the replay target both call it.
/// </summary>
internal sealed class IntegratorLoopCore(IntegratorParameters parameters, LatestValueMailbox<ArousalEstimate> mailbox)
{
    private readonly long _staleTicks = MonoClock.FromMicroseconds(parameters.StaleMicroseconds);
    private long _lastPublishCount;
    private ArousalEstimate _input;
    private float _y;

    public void StepOnce(long step, in StepTiming timing, ref StepRecord record)
    {
        long computeStart = MonoClock.Now;
        bool newInput = mailbox.TryRead(out ArousalEstimate e, out long count) && count != _lastPublishCount;
        if (newInput)
        {
            _input = e;
            _lastPublishCount = count;
        }
        bool haveInput = _lastPublishCount > 0;
        float u = haveInput ? _input.Arousal : 0f;
        _y = parameters.Leak * _y + parameters.Gain * u;
        bool stale = !haveInput || timing.NowTicks - _input.ArrivalTicks > _staleTicks;

        var frame = new OutputFrame
        {
            Step = step,
            Ticks = timing.NowTicks,
            InputSequence = _input.Sequence,
            InputArrivalTicks = _input.ArrivalTicks,
            ChannelCount = 3,
            Safety = stale ? SafetyState.Tripped : SafetyState.Armed,
            InterventionMask = stale ? (byte)0b100 : (byte)0,
        };
        frame.Values[0] = _y;
        frame.Values[1] = _y * _y;
        frame.Values[2] = stale ? 0f : u; // the "stimulus" channel is forced safe on stale input

        LeverSet levers = LeverSet.Neutral;
        levers.SomaticDrive = u;
        record.Step = step;
        record.Timing = timing;
        record.NewInput = newInput;
        record.NewArrival = newInput;
        record.Input = _input;
        record.InputPublishCount = _lastPublishCount;
        record.ArousalUsed = u;
        record.LeverTargets = levers;
        record.Readout = Readouts.Legacy(step, _y, 0f, 0f, 0f, 1f, 0);
        record.Output = frame;
        record.DeviceAckTicks = long.MinValue;
        record.Reasons = stale ? GovernorReason.StaleInput : GovernorReason.None;
        record.ComputeTicks = MonoClock.Now - computeStart;
    }
}
