using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Hil.Latency;

/// <summary>
/// loop-bridge: per input sample, the loop's own stamps (InputLatency records: the sender's CLOCK_MONOTONIC send
/// time, and the monotonic ticks when the step that first used it published its output frame) joined with the
/// CLOCK_MONOTONIC time at which the virtual device first accepted a frame carrying that sample's sequence (its
/// frame log). On Linux the loop's ticks are CLOCK_MONOTONIC too, so all three are on one clock: the device's.
/// </summary>
internal static class BridgeLatency
{
    public sealed record Result(double[] SendToDeviceUs, double[] PublishToDeviceUs, int Samples);

    public static async Task<Result> AtDeviceAsync(string recording, Dictionary<uint, long> firstSeenNs, ulong minSequence)
    {
        await using var reader = RecordingReader.Open(recording);
        await reader.ReadHeaderAsync().ConfigureAwait(false);
        double usPerTick = 1e-3;
        var send = new List<double>();
        var bridge = new List<double>();
        int samples = 0;
        await foreach (LogRecord r in reader.ReadRecordsAsync().ConfigureAwait(false))
        {
            if (r.Type == RecordType.LoopStart)
            {
                usPerTick = 1e6 / LoopStartRecord.Decode(r.Payload.Span).Info.TickFrequency;
            }
            else if (r.Type == RecordType.InputLatency)
            {
                var l = InputLatencyRecord.Decode(r.Payload.Span);
                if (l.InputSequence < minSequence)
                {
                    continue;
                }
                samples++;
                if (firstSeenNs.TryGetValue((uint)l.InputSequence, out long ns))
                {
                    double deviceUs = ns / 1000.0;
                    send.Add(deviceUs - l.SourceTimeSeconds * 1e6);
                    bridge.Add(deviceUs - l.PublishTicks * usPerTick);
                }
            }
        }
        send.Sort();
        bridge.Sort();
        return new Result([.. send], [.. bridge], samples);
    }
}
