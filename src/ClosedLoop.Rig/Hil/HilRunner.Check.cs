using System.Globalization;
using ClosedLoop.Recording;

namespace ClosedLoop.Rig.Hil;

public sealed partial class HilRunner
{
    /// <summary>The invariants, from the device's own logs (what it was sent and what its outputs did) and the recording.</summary>
    private async Task<HilResult> CheckAsync(HilScenario s, RunLog run, CancellationToken ct)
    {
        bool haveDevice = RealPort is null;
        var states = HilDeviceLog.ReadStates(run.Devices.Select(d => d.StateLog));
        var channels = run.Options.Runtime.Channels;
        var outOfLimits = new List<string>();
        long frames = 0, armed = 0;
        foreach (var frame in run.Devices.Where(d => File.Exists(d.FrameLog)).SelectMany(d => HilDeviceLog.ParseFrames(File.ReadLines(d.FrameLog))))
        {
            frames++;
            if (!frame.HostArmed)
            {
                continue; // a frame the host marked not armed: the device holds every channel safe
            }
            armed++;
            for (int c = 0; c < frame.Values.Length && c < channels.Count; c++)
            {
                var limits = channels[c].Limits;
                if (limits is not null && !(frame.Values[c] >= limits.Min && frame.Values[c] <= limits.Max))
                {
                    outOfLimits.Add(string.Create(CultureInfo.InvariantCulture, $"step {frame.Step} channel {c}: {frame.Values[c]} outside [{limits.Min}, {limits.Max}]"));
                }
            }
        }
        var hostStates = File.Exists(RecordingPath) ? await HostArmedChangesAsync(RecordingPath, ct).ConfigureAwait(false) : new List<(long Us, bool Armed)>();
        var timings = run.Faults.Select(f => new HilFaultTiming(f.Fault, f.InjectedAt, f.InjectedUs, f.EndedUs, s.HostProcess ? null : s.HostBound(f.Fault),
            s.HostProcess ? null : HostSafeAfter(hostStates, f.InjectedUs),
            haveDevice && s.DeviceBound(f.Fault) is { } bound
                ? HilDeviceSafety.Check(states, HilScenario.BoundFromResume(f.Fault) ? f.EndedUs : f.InjectedUs, bound,
                    HilScenario.StaysOffWhileItLasts(f.Fault) ? f.EndedUs : null, s.DevicePromise)
                : null,
            f.Detail)).ToList();
        RecordingSummary? recording = File.Exists(RecordingPath) ? await RecordingSummary.ScanAsync(RecordingPath, ct).ConfigureAwait(false) : null;

        var inv = new List<HilInvariant>
        {
            new("no armed output beyond limits at the device, ever", haveDevice ? outOfLimits.Count == 0 : null,
                haveDevice ? $"{armed} armed of {frames} frames in the device's frame log; {outOfLimits.Count} out of limits{(outOfLimits.Count > 0 ? ": " + string.Join("; ", outOfLimits.Take(5)) : "")}" : "a real port: no device log"),
            new("the controller armed and armed outputs reached the device", run.Armed && (!haveDevice || armed > 0),
                run.Armed ? (haveDevice ? $"{armed} armed frames at the device" : "the governor armed") : $"not armed within {s.ArmTimeout.TotalSeconds:0} s"),
        };
        var hostChecked = timings.Where(t => t.HostBound is not null).ToList();
        if (hostChecked.Count > 0)
        {
            inv.Add(new("host governor out of Armed within its bound after each fault", hostChecked.All(t => t.HostHolds),
                string.Join("; ", hostChecked.Select(t => $"{t.Fault.Name} {Ms(t.HostSafeAfter)} <= {t.HostBound!.Value.TotalMilliseconds:0}"))));
        }
        var deviceChecked = timings.Where(t => t.Device is not null).ToList();
        if (deviceChecked.Count > 0 || (!haveDevice && timings.Count > 0))
        {
            inv.Add(new("device outputs off within the bound after each fault, and off while it lasted (device's own log)",
                haveDevice ? deviceChecked.All(t => t.Device!.Holds) : null,
                haveDevice ? string.Join("; ", deviceChecked.Select(t => DeviceDetail(t.Fault, t.Device!))) : "a real port: no device log"));
        }
        if (run.Faults.Any(f => f.Fault.Kind is HilFaultKind.Corrupt or HilFaultKind.Truncate))
        {
            long rejected = run.Devices.Sum(d => d.Rejected);
            inv.Add(new("damaged frames rejected and counted by the device", rejected > 0, $"{rejected} rejected (the devices' exit summaries)"));
        }
        if (recording is null)
        {
            inv.Add(new("recording complete", false, "no recording"));
        }
        else if (s.HostProcess)
        {
            inv.Add(new("recording readable up to the kill, nothing dropped", recording.Dropped == 0 && recording.Damage.Count <= 1 && recording.LoopStarted,
                $"{recording.Blocks} blocks, {recording.Dropped} dropped, {recording.Damage.Count} damaged (a torn last block is allowed), closed cleanly: {recording.ClosedCleanly} (not expected after SIGKILL)"));
        }
        else
        {
            inv.Add(new("recording intact, nothing dropped, closed cleanly", recording.Intact && recording.ClosedCleanly,
                $"{recording.Blocks} blocks, steps {recording.FirstStep}..{recording.LastStep}, {recording.Dropped} dropped, {recording.Damage.Count} damaged, closed cleanly: {recording.ClosedCleanly}; {run.Note}"));
        }
        return new HilResult(s, timings, inv, recording, _dir, RecordingPath, states, run.Devices.Select(d => d.FrameLog).ToList(), s.HostProcess);
    }

    /// <summary>
    /// When the governor's state changed between Armed and not, from the recording's output frames (their monotonic
    /// stamps): the host's own record, not a poll from the harness, so the harness's scheduling does not enter it.
    /// </summary>
    private static async Task<List<(long Us, bool Armed)>> HostArmedChangesAsync(string path, CancellationToken ct)
    {
        var changes = new List<(long Us, bool Armed)>();
        await using var reader = RecordingReader.Open(path);
        await reader.ReadHeaderAsync(ct).ConfigureAwait(false);
        await foreach (var r in reader.ReadRecordsAsync(ct).ConfigureAwait(false))
        {
            if (r.Type != RecordType.OutputFrame)
            {
                continue;
            }
            var f = ClosedLoop.Recording.Records.OutputFrameRecord.Decode(r.Payload.Span).Frame;
            bool isArmed = f.Safety == ClosedLoop.Core.Outputs.SafetyState.Armed;
            if (changes.Count == 0 || changes[^1].Armed != isArmed)
            {
                changes.Add(((long)ClosedLoop.Core.Time.MonoClock.ToMicroseconds(f.Ticks), isArmed));
            }
        }
        return changes;
    }

    /// <summary>From <paramref name="fromUs"/> to the first frame out of Armed (zero when it was not armed then); null when never.</summary>
    private static TimeSpan? HostSafeAfter(List<(long Us, bool Armed)> changes, long fromUs)
    {
        bool armed = false;
        foreach (var (us, a) in changes)
        {
            if (us > fromUs)
            {
                if (!armed)
                {
                    return TimeSpan.Zero;
                }
                if (!a)
                {
                    return TimeSpan.FromMicroseconds(us - fromUs);
                }
            }
            armed = a;
        }
        return armed ? null : TimeSpan.Zero;
    }

    /// <summary>One fault's device verdict in words: by the device's schedule when its log has it, else by the harness's clock.</summary>
    private static string DeviceDetail(HilFault fault, DeviceOffVerdict v)
    {
        string again = v.LiveAgainAtUs is null ? "" : ", live again while it lasted";
        return v.Decision switch
        {
            { AtExit: true } d => $"{fault.Name} off by its exit (ran {Ms(d.Late)} late; {Ms(v.OffAfter)} after the harness's moment){again}",
            { } d => $"{fault.Name} off at a tick due {Ms(d.AfterLastContact)} after its last host frame <= {d.Promise.TotalMilliseconds:0.0} (ran {Ms(d.Late)} late; {Ms(v.OffAfter)} after the harness's moment){again}",
            null => $"{fault.Name} {Ms(v.OffAfter)} <= {v.Bound.TotalMilliseconds:0}{again}",
        };
    }

    private static string Ms(TimeSpan? t) => t is { } v ? v.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) : "never";
}
