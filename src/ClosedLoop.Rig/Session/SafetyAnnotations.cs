using System.Globalization;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Safety;
using ClosedLoop.Core.Time;
using ClosedLoop.Runtime.Safety;
using ClosedLoop.Transport.Zmq.Pupil;

namespace ClosedLoop.Rig.Session;

/// <summary>
/// Turns what the governor did into Pupil Capture annotations, on the session's logger thread (never the real-time one):
/// each change of the output frames' safety state ("closedloop.state.armed", ".disarmed", ".tripped", ".estop", at the
/// first frame in the new state), each watchdog fault onset ("closedloop.intervention.StaleInput", ...) and each run of
/// a per-channel limit over consecutive steps ("closedloop.intervention.RangeClamp", ...: one annotation whose duration
/// spans the run, so a channel clamped for a second is one mark, not a thousand).
/// </summary>
/// <remarks>
/// The governor writes a step's interventions before that step's output frame, so after reading the outputs up to step
/// S and then the interventions, a limit run that has not reached S has ended. The marks of one poll are emitted in time
/// order (an intervention before the state change it caused at the same step).
/// </remarks>
internal sealed class SafetyAnnotations(BroadcastRingReader<OutputFrame> outputs, BroadcastRingReader<Intervention> interventions, Action<PupilAnnotation> emit)
{
    private readonly Dictionary<(GovernorReason Reason, int Channel), Run> _runs = [];
    private readonly List<(GovernorReason, int)> _ended = [];
    private readonly List<(long Ticks, int Order, PupilAnnotation Mark)> _pending = [];
    private SafetyState _state = SafetyState.Disarmed;
    private long _newestStep = -1;

    /// <summary>Read what the loop wrote since the last call and emit what it means.</summary>
    public void Poll()
    {
        while (outputs.TryRead(out var frame))
        {
            if (frame.Safety != _state)
            {
                _state = frame.Safety;
                Add(new PupilAnnotation("closedloop.state." + StateLabel(frame.Safety), frame.Ticks, 0, frame.Step), order: 1);
            }
            _newestStep = frame.Step;
        }
        while (interventions.TryRead(out var i))
        {
            if (i.Channel < 0)
            {
                Add(new PupilAnnotation(Label(i.Reason), i.Ticks, 0, i.Step, ConsoleReporter.Explain(i.Reason)), order: 0);
                continue;
            }
            var key = (i.Reason, i.Channel);
            if (_runs.TryGetValue(key, out var run) && i.Step <= run.LastStep + 1)
            {
                run.LastStep = i.Step;
                run.LastTicks = i.Ticks;
                run.Steps++;
                continue;
            }
            if (run is not null)
            {
                Emit(run);
            }
            _runs[key] = new Run(i);
        }
        foreach (var (key, run) in _runs)
        {
            if (run.LastStep < _newestStep)
            {
                Emit(run);
                _ended.Add(key);
            }
        }
        foreach (var key in _ended)
        {
            _runs.Remove(key);
        }
        _ended.Clear();
        EmitPending();
    }

    /// <summary>Read what is left and emit every run still open (the session is ending).</summary>
    public void Finish()
    {
        Poll();
        foreach (var run in _runs.Values)
        {
            Emit(run);
        }
        _runs.Clear();
        EmitPending();
    }

    private void Add(in PupilAnnotation mark, int order) => _pending.Add((mark.LocalTicks, order, mark));

    private void EmitPending()
    {
        // Stable: List.Sort is not, so the index breaks ties.
        var sorted = _pending.Select((p, index) => (p, index)).OrderBy(x => x.p.Ticks).ThenBy(x => x.p.Order).ThenBy(x => x.index);
        foreach (var (p, _) in sorted)
        {
            emit(p.Mark);
        }
        _pending.Clear();
    }

    private void Emit(Run run)
    {
        var i = run.First;
        string detail = string.Create(CultureInfo.InvariantCulture,
            $"channel {i.Channel} {ConsoleReporter.Explain(i.Reason)} for {run.Steps} step(s) from step {i.Step} (first: {i.Requested:G4} asked, {i.Applied:G4} let out)");
        Add(new PupilAnnotation(Label(i.Reason), i.Ticks, MonoClock.ToSeconds(run.LastTicks - i.Ticks), i.Step, detail), order: 0);
    }

    private static string Label(GovernorReason reason) => "closedloop.intervention." + reason;

    private static string StateLabel(SafetyState state) => state switch
    {
        SafetyState.Armed => "armed",
        SafetyState.Disarmed => "disarmed",
        SafetyState.Tripped => "tripped",
        SafetyState.EStop => "estop",
        _ => state.ToString().ToLowerInvariant(),
    };

    private sealed class Run(Intervention first)
    {
        public Intervention First { get; } = first;
        public long LastStep { get; set; } = first.Step;
        public long LastTicks { get; set; } = first.Ticks;
        public long Steps { get; set; } = 1;
    }
}
