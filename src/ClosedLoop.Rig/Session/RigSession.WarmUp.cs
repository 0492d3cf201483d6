using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Modulation.Conditioning;
using ClosedLoop.Modulation.Photometry;

namespace ClosedLoop.Rig.Session;

/// <summary>
/// Warm start of everything beside the loop (docs/runtime.md, "Warm start"): before the loop's own warm-up, every sink,
/// publisher and the ingest's conditioning run their real code on scratch frames and samples, so the JIT compiles them
/// (and the loop's warm-up, which waits for the JIT to go quiet, covers their tier-1 recompilation) before the clock
/// starts. Nothing real is touched: no device, socket, stream, recording, mailbox or counter.
/// </summary>
public sealed partial class RigSession
{
    /// <summary>Scratch frames per sink: enough calls for the JIT's tier-up (30) several times over.</summary>
    internal const int WarmUpFrames = 300;

    /// <summary>How long warming the sinks, publishers and ingest took (zero when the loop's warm-up is off).</summary>
    public TimeSpan SinkWarmUpTime { get; private set; }

    private async Task WarmUpBesideTheLoopAsync()
    {
        long t0 = MonoClock.Now;
        var outputs = ScratchFrames.Outputs(_options.Runtime.Channels.Count, WarmUpFrames, 1f, t0);
        var telemetry = ScratchFrames.Telemetry(Runtime.ReadoutSchema.Count, WarmUpFrames, t0);
        ((ISink)Device).WarmUp(outputs);
        foreach (var bridge in _bridges)
        {
            ((ISink)bridge).WarmUp(outputs);
        }
        foreach (var device in _devices)
        {
            device.WarmUp(outputs);
        }
        ZmqPublisher?.WarmUp(outputs, telemetry);
        if (Grpc is not null)
        {
            await Grpc.WarmUpOutputsAsync(outputs, telemetry).ConfigureAwait(false);
        }
        WarmUpIngest(t0);
        SinkWarmUpTime = TimeSpan.FromSeconds(MonoClock.ToSeconds(MonoClock.Now - t0));
        _log.WriteLine($"warm-up: sinks, publishers and ingest conditioning ran {WarmUpFrames} scratch frames each in {SinkWarmUpTime.TotalMilliseconds:F0} ms");
    }

    /// <summary>The ingest path (sink, routing, every conditioner, staleness poll) on a scratch conditioner and mailbox built like the real ones.</summary>
    private void WarmUpIngest(long t0)
    {
        var sink = new ConditionedArousalSink(CreateConditioner(_options), new LatestValueMailbox<ArousalEstimate>());
        long tick = MonoClock.FromSeconds(1.0 / 120);
        ReadOnlySpan<ArousalSourceKind> kinds = [ArousalSourceKind.Pupil, ArousalSourceKind.Photometry, ArousalSourceKind.External, ArousalSourceKind.Synthetic];
        for (int i = 0; i < WarmUpFrames; i++)
        {
            foreach (var kind in kinds)
            {
                double value = kind switch
                {
                    ArousalSourceKind.Pupil => 3 + 0.5 * Math.Sin(i * 0.1),
                    ArousalSourceKind.Photometry => 1 + 0.1 * Math.Sin(i * 0.1),
                    _ => 0.5 + 0.4 * Math.Sin(i * 0.1),
                };
                sink.OnSample(new ArousalSample(i % 97 == 96 ? double.NaN : value, i % 13 == 0 ? 0.2f : 0.95f, (byte)(i & 1), kind, i / 120.0, t0 + i * tick, (ulong)i));
            }
            if (i % 10 == 0)
            {
                sink.Poll(t0 + i * tick + MonoClock.FromSeconds(i % 20 == 0 ? 5 : 0));
            }
        }
    }

    private static RoutingConditioner CreateConditioner(Config.RigOptions options) => new(
        new PupilConditioner(options.Pupil),
        new PhotometryConditioner(options.Photometry),
        new DirectArousalConditioner(staleAfterMs: options.DirectStaleAfterMs),
        options.Arbitration);
}
