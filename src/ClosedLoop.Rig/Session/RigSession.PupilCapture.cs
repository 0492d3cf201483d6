using ClosedLoop.Core.Time;
using ClosedLoop.Transport.Zmq.Pupil;

namespace ClosedLoop.Rig.Session;

/// <summary>
/// Pupil Capture remote control (<c>[source.pupil_core] remote_recording</c>, <c>annotations</c>): Capture records
/// while the session runs, and the session's events are annotations in that recording (docs/transports.md,
/// "Pupil Capture remote control"). Everything here runs off the real-time thread: commands queue, the remote's own
/// thread talks to Capture, the logger thread reads the governor's rings.
/// </summary>
public sealed partial class RigSession
{
    private SafetyAnnotations? _safetyAnnotations;

    /// <summary>Pupil Capture remote control, or null when the session asks nothing of Capture.</summary>
    public PupilCaptureRemote? PupilCapture { get; private set; }

    // Before the loop starts: the readers must see the first output frame and the first intervention.
    private void StartPupilCapture(PupilCoreSource source)
    {
        var o = _options.PupilCore;
        if (!o.RemoteRecording && !o.Annotations)
        {
            return;
        }
        string name = o.RecordingName.Length > 0 ? o.RecordingName
            : RecordingPath is null ? "" : Path.GetFileNameWithoutExtension(RecordingPath);
        var remote = new PupilCaptureRemote(new PupilCaptureRemoteOptions
        {
            Host = _options.PupilHost,
            RemotePort = _options.PupilPort,
            RemoteRecording = o.RemoteRecording,
            Annotations = o.Annotations,
            SessionName = name,
        }, () => source.ClockOffset, line => _log.WriteLine(line));
        PupilCapture = remote;
        if (o.Annotations)
        {
            _safetyAnnotations = new SafetyAnnotations(Runtime.Outputs.CreateReader(fromNow: true),
                Runtime.Governor.Interventions.CreateReader(fromNow: true), a => remote.Annotate(a));
        }
        remote.Start();
        _log.WriteLine($"pupil capture: {(o.RemoteRecording ? "recording" : "")}{(o.RemoteRecording && o.Annotations ? " and " : "")}{(o.Annotations ? "annotations" : "")} through {_options.PupilHost}:{_options.PupilPort}");
    }

    /// <summary>Mark <paramref name="label"/> now in Capture's recording (no-op without annotations).</summary>
    private void AnnotatePupil(string label, string? detail = null) =>
        PupilCapture?.Annotate(new PupilAnnotation(label, MonoClock.Now, 0, Runtime.StepsRun, detail));

    // After the loop stopped: the last runs and state changes, the end mark, then what is queued and the recording stop.
    private async ValueTask StopPupilCaptureAsync()
    {
        if (PupilCapture is null)
        {
            return;
        }
        _safetyAnnotations?.Finish();
        AnnotatePupil("closedloop.session_end", RecordingPath);
        await PupilCapture.DisposeAsync().ConfigureAwait(false);
    }
}
