using ClosedLoop.Contracts.V1;
using ClosedLoop.Core.Models;
using ClosedLoop.Population.MeanField;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Session;
using ClosedLoop.Rig.Tests.Session;
using Google.Protobuf;
using NetMQ;
using NetMQ.Sockets;
using Xunit;
using Xunit.Abstractions;
using TelemetryFrame = ClosedLoop.Core.Outputs.TelemetryFrame;

namespace ClosedLoop.Rig.Tests.Models;

/// <summary>
/// The mean field's live population gain (<c>population_gain_hz_per_pa</c>, dr/dI from its Jacobian) over arousal,
/// measured on the running model in a real rig session: arousal samples arrive over ZeroMQ, the conditioner and the
/// default receptor map (noradrenaline -> alpha-2 / alpha-1 occupancy -> levers, the table the session builds) set the
/// levers, the model ramps to them on the loop thread, and the gain is read from the loop's telemetry once the
/// model has settled at each arousal.
/// </summary>
public sealed class MeanFieldGainSessionTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-mfgain-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private RigOptions Options(string preset) => RigConfigParser.Parse($"""
        [loop]
        step_rate_hz = 1000
        substeps = 10
        warm_up_ms = 0
        [watchdog]
        stale_input_ms = 5000
        [model]
        kind = "mean-field"
        preset = "{preset}"
        [source]
        kind = "none"
        [endpoints]
        grpc_port = -1
        zmq_ingest = "tcp://127.0.0.1:{RigTestOptions.FreePort()}"
        zmq_publish = ""
        [recording]
        path = "{Path.Combine(_dir, preset + ".cllog")}"
        """);

    /// <summary>
    /// Send <paramref name="arousal"/> until the loop reports it, then let the model settle for
    /// <paramref name="settleSteps"/> loop steps and return the mean gain readout over the last 100 steps.
    /// </summary>
    private static async Task<double> GainAt(RigSession session, PublisherSocket pub, double arousal, int settleSteps, Func<ulong> nextSequence)
    {
        var telemetry = session.Runtime.Telemetry.CreateReader(fromNow: true);
        var schema = session.Runtime.ReadoutSchema;
        var deadline = DateTime.UtcNow + s_timeout;
        long since = -1;
        double sum = 0;
        int count = 0;
        while (DateTime.UtcNow < deadline)
        {
            // Keep the samples coming (PUB/SUB joins asynchronously; the input stays fresh).
            var sample = new ArousalSample { Value = arousal, Confidence = 1, Kind = ClosedLoop.Contracts.V1.SourceKind.External, Sequence = nextSequence() };
            pub.SendFrame(sample.ToByteArray());
            await Task.Delay(5);
            while (telemetry.TryRead(out TelemetryFrame t))
            {
                if (Math.Abs(t.Arousal - arousal) > 1e-6)
                {
                    continue;
                }
                if (since < 0)
                {
                    since = t.Step;
                }
                if (t.Step >= since + settleSteps - 100)
                {
                    sum += t.Readout.Get(schema, MeanFieldModel.GainReadout);
                    count++;
                }
                if (t.Step >= since + settleSteps && count > 0)
                {
                    return sum / count;
                }
            }
        }
        throw new TimeoutException($"arousal {arousal}: the loop did not settle in time");
    }

    /// <summary>
    /// The default map moves the mean field only through its alpha-1 terms (the model has no counterpart of coupling,
    /// dendritic drive or NMDA gain), each monotonic in arousal: more drive, lower threshold, higher rest push the RS
    /// population up the concave upper branch of its steady-state curve, where the gain falls. Measured on the running
    /// model: no inverted U, a steady fall (measured 0.2547 Hz/pA at arousal 0, 0.2122 at 0.5, 0.1728 at 1: ratio 0.68). The test pins that shape: strictly falling over 11 arousals, end ratio 0.55..0.8.
    /// </summary>
    [Fact]
    public async Task DefaultReceptorMap_MeanFieldLoopModel_GainFallsWithArousal_NoInvertedU()
    {
        await using var session = RigSession.Create(Options("rs"));
        await session.StartAsync();
        using var pub = new PublisherSocket();
        pub.Connect(session.Options.ZmqIngestEndpoint!);
        ulong seq = 0;
        double[] arousals = [.. Enumerable.Range(0, 11).Select(i => i / 10.0)];
        var gains = new double[arousals.Length];
        for (int k = 0; k < arousals.Length; k++)
        {
            // 1.5 s of model time at each arousal: the lever ramp (50 ms) and the mean field (slowest, 1 / a = 33 ms) settle.
            gains[k] = await GainAt(session, pub, arousals[k], 1500, () => ++seq);
        }
        string table = string.Join(", ", arousals.Zip(gains, (a, g) => $"{a:F1}: {g:F5}"));
        output.WriteLine($"mean-field rs, gain (Hz/pA) over arousal in a rig session: {table}");
        for (int i = 1; i < gains.Length; i++)
        {
            Assert.True(gains[i] < gains[i - 1], $"not falling at arousal {arousals[i]}: {table}");
        }
        Assert.InRange(gains[^1] / gains[0], 0.55, 0.8);
    }
}
