using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Recording;

namespace ClosedLoop.Runtime.Tests.Recording;

/// <summary>Replays through <see cref="IntegratorLoopCore"/>, optionally with a parameter deliberately changed.</summary>
internal sealed class IntegratorReplayTarget(Func<IntegratorParameters, IntegratorParameters>? change = null) : IReplayTarget
{
    private readonly LatestValueMailbox<ArousalEstimate> _mailbox = new();
    private IntegratorLoopCore? _core;
    private StepRecord _record;

    public ReplaySetup? Setup { get; private set; }

    public void Reset(ReplaySetup setup)
    {
        Setup = setup;
        IntegratorParameters p = IntegratorParameters.Parse(setup.ConfigText);
        _core = new IntegratorLoopCore(change is null ? p : change(p), _mailbox);
    }

    public void ConsumeSample(long step, in ArousalSample sample) =>
        throw new InvalidOperationException("this loop records conditioned estimates only");

    public void ConsumeEstimate(long step, in ArousalEstimate estimate, long publishCount) => _mailbox.Publish(estimate);

    public OutputFrame Step(long step, in RecordedTiming timing, bool hasTiming)
    {
        if (!hasTiming)
        {
            throw new InvalidOperationException($"step {step} has no recorded timing");
        }
        _core!.StepOnce(step, timing.ToStepTiming(), ref _record);
        return _record.Output;
    }

    public bool TryGetReadout(out ModelReadout readout)
    {
        readout = _record.Readout;
        return _core is not null;
    }
}
