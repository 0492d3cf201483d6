using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Rig.Hil;

/// <summary>
/// A run over time for the report's plot, every series in seconds on the monotonic clock from the run's first output
/// frame (the device's clock is the same clock): the arousal the loop consumed, the model's gain readout and the
/// governed output of channel 0 from the recording; whether the device's outputs followed the host from its own log;
/// the faults.
/// </summary>
public sealed class HilTimeline
{
    /// <summary>Arousal (time s, value).</summary>
    public List<(double T, double V)> Arousal { get; } = [];

    /// <summary>The model's gain readout (time s, value); empty when the model reports none.</summary>
    public List<(double T, double V)> Gain { get; } = [];

    /// <summary>Channel 0 of the governed output frame (time s, value).</summary>
    public List<(double T, double V)> Output { get; } = [];

    /// <summary>The governor's state per output frame (time s, armed).</summary>
    public List<(double T, bool Armed)> HostArmed { get; } = [];

    /// <summary>The device's outputs following the host (time s, live), from its state log.</summary>
    public List<(double T, bool Live)> DeviceLive { get; } = [];

    /// <summary>Each fault (name, start s, end s).</summary>
    public List<(string Name, double Start, double End)> Faults { get; } = [];

    /// <summary>The monotonic time of t = 0, µs.</summary>
    public double OriginUs { get; private set; }

    /// <summary>Read the run's recording (at most about <paramref name="maxPoints"/> points a series) and device log.</summary>
    public static async Task<HilTimeline> LoadAsync(HilResult result, int maxPoints = 20_000, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var t = new HilTimeline();
        var stepTicks = new Dictionary<long, long>();
        var arousal = new List<(long Step, double V)>();
        var gain = new List<(long Step, double V)>();
        long every = result.Recording is { } r ? Math.Max(1, (r.LastStep - r.FirstStep) / maxPoints) : 1;
        ReadoutSchema? schema = null;
        int gainIndex = -1;
        long firstTicks = long.MinValue;
        if (File.Exists(result.RecordingPath))
        {
            await using var reader = RecordingReader.Open(result.RecordingPath);
            await reader.ReadHeaderAsync(ct).ConfigureAwait(false);
            await foreach (var rec in reader.ReadRecordsAsync(ct).ConfigureAwait(false))
            {
                if (rec.Type == RecordType.ReadoutSchema)
                {
                    schema = ReadoutSchemaRecord.Decode(rec.Payload.Span).Schema;
                    gainIndex = schema.TryFind(ReadoutNames.Gain, out int g) ? g : -1;
                }
                if (rec.Step % every != 0)
                {
                    continue;
                }
                switch (rec.Type)
                {
                    case RecordType.OutputFrame:
                        var f = OutputFrameRecord.Decode(rec.Payload.Span).Frame;
                        if (firstTicks == long.MinValue)
                        {
                            firstTicks = f.Ticks;
                            t.OriginUs = MonoClock.ToMicroseconds(f.Ticks);
                        }
                        stepTicks[rec.Step] = f.Ticks;
                        double s = MonoClock.ToSeconds(f.Ticks - firstTicks);
                        t.Output.Add((s, f.Values[0]));
                        t.HostArmed.Add((s, f.Safety == SafetyState.Armed));
                        break;
                    case RecordType.ArousalEstimate:
                        arousal.Add((rec.Step, ArousalEstimateRecord.Decode(rec.Payload.Span).Estimate.Arousal));
                        break;
                    case RecordType.ModelReadout when gainIndex >= 0:
                        var ro = ReadoutRecord.Decode(rec.Payload.Span).Readout;
                        if (gainIndex < ro.Count)
                        {
                            gain.Add((rec.Step, ro.Values[gainIndex]));
                        }
                        break;
                }
            }
        }
        foreach (var (step, v) in arousal)
        {
            if (stepTicks.TryGetValue(step, out long ticks))
            {
                t.Arousal.Add((MonoClock.ToSeconds(ticks - firstTicks), v));
            }
        }
        foreach (var (step, v) in gain)
        {
            if (stepTicks.TryGetValue(step, out long ticks))
            {
                t.Gain.Add((MonoClock.ToSeconds(ticks - firstTicks), v));
            }
        }
        foreach (var c in result.DeviceStates)
        {
            t.DeviceLive.Add(((c.DeviceUs - t.OriginUs) / 1e6, c.Live));
        }
        foreach (var f in result.Faults)
        {
            t.Faults.Add((f.Fault.Name, (f.InjectedUs - t.OriginUs) / 1e6, (f.EndedUs - t.OriginUs) / 1e6));
        }
        return t;
    }
}
