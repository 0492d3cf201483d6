using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Safety;
using ClosedLoop.Core.Time;
using ClosedLoop.Rig.Session;
using ClosedLoop.Runtime.Safety;
using ClosedLoop.Transport.Zmq.Pupil;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>What the governor did, as Pupil Capture annotations: state changes, fault onsets, limit runs as one mark each.</summary>
public sealed class SafetyAnnotationsTests
{
    private static readonly long s_step = MonoClock.FromSeconds(0.001); // 1 kHz

    private readonly BroadcastRing<OutputFrame> _outputs = new(1024);
    private readonly BroadcastRing<Intervention> _interventions = new(1024);
    private readonly List<PupilAnnotation> _marks = [];

    private SafetyAnnotations Create() => new(_outputs.CreateReader(fromNow: true), _interventions.CreateReader(fromNow: true), _marks.Add);

    private void Step(long step, SafetyState safety, params (GovernorReason Reason, int Channel)[] interventions)
    {
        // The loop's order: the governor records the step's interventions, then the frame leaves.
        foreach (var (reason, channel) in interventions)
        {
            _interventions.Write(new Intervention { Step = step, Ticks = step * s_step, Reason = reason, Channel = channel, Requested = 12, Applied = 10 });
        }
        _outputs.Write(new OutputFrame { Step = step, Ticks = step * s_step, Safety = safety });
    }

    [Fact]
    public void Poll_StateChangesOnsetsAndLimitRuns_OneMarkEach()
    {
        var a = Create();
        Step(0, SafetyState.Disarmed, (GovernorReason.Disarmed, -1));
        Step(1, SafetyState.Disarmed);
        Step(2, SafetyState.Armed);
        for (long s = 3; s <= 502; s++)
        {
            Step(s, SafetyState.Armed, (GovernorReason.RangeClamp, 0)); // clamped for 500 steps
        }
        a.Poll();
        // The run may still go on: nothing said about it until a step passes without it.
        Assert.Equal(new[] { "closedloop.intervention.Disarmed", "closedloop.state.armed" }, _marks.Select(m => m.Label).ToArray());
        Step(503, SafetyState.Armed);
        Step(504, SafetyState.Tripped, (GovernorReason.StaleInput, -1));
        a.Poll();

        Assert.Equal(new[] { "closedloop.intervention.Disarmed", "closedloop.state.armed", "closedloop.intervention.RangeClamp",
            "closedloop.intervention.StaleInput", "closedloop.state.tripped" }, _marks.Select(m => m.Label).ToArray());
        var armed = _marks[1];
        Assert.Equal((2L, 2 * s_step, 0.0), (armed.Step, armed.LocalTicks, armed.DurationSeconds));
        var clamp = _marks[2];
        Assert.Equal(3, clamp.Step);
        Assert.Equal(3 * s_step, clamp.LocalTicks);
        Assert.Equal(MonoClock.ToSeconds(499 * s_step), clamp.DurationSeconds, 1e-12); // steps 3..502
        Assert.Contains("channel 0 clamped to its range for 500 step(s) from step 3", clamp.Detail, StringComparison.Ordinal);
        Assert.Equal(504, _marks[3].Step);
        Assert.Contains("older than the staleness limit", _marks[3].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Finish_OpenRunAtTheEnd_StillMarked()
    {
        var a = Create();
        Step(0, SafetyState.Armed, (GovernorReason.SlewLimit, 1));
        Step(1, SafetyState.Armed, (GovernorReason.SlewLimit, 1));
        a.Finish();
        var slew = Assert.Single(_marks, m => m.Label == "closedloop.intervention.SlewLimit");
        Assert.Equal(0, slew.Step);
        Assert.Equal(MonoClock.ToSeconds(s_step), slew.DurationSeconds, 1e-12);
    }

    [Fact]
    public void Poll_RunInterrupted_TwoMarks()
    {
        var a = Create();
        Step(0, SafetyState.Armed, (GovernorReason.ChargeLimit, 0));
        Step(1, SafetyState.Armed);
        Step(2, SafetyState.Armed, (GovernorReason.ChargeLimit, 0));
        a.Finish();
        Assert.Equal(new long[] { 0, 2 }, _marks.Where(m => m.Label == "closedloop.intervention.ChargeLimit").Select(m => m.Step).ToArray());
    }
}
