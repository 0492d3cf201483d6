using ClosedLoop.Contracts.V1;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Modulation.Receptors;
using ClosedLoop.Population.MeanField;
using ClosedLoop.Population.Ode;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Session;
using ClosedLoop.Rig.Tests.Session;
using Google.Protobuf;
using NetMQ;
using NetMQ.Sockets;
using Xunit;
using Xunit.Abstractions;
using LeverSet = ClosedLoop.Core.Levers.LeverSet;
using TelemetryFrame = ClosedLoop.Core.Outputs.TelemetryFrame;

namespace ClosedLoop.Rig.Tests.Models;

/// <summary>
/// The mean field's live population gain (<c>population_gain_hz_per_pa</c>, dr/dI from its Jacobian) over arousal
/// under the default receptor map (noradrenaline -> alpha-2 / alpha-1 occupancy -> levers), measured on the running
/// model in a real rig session (arousal samples over ZeroMQ, the session's lever table, the model ramping on the loop
/// thread, the gain read from the loop's telemetry once settled), and computed offline from the same equations at
/// the same levers (RK4 to the steady state, then the Jacobian's gain).
/// </summary>
/// <remarks>
/// The map reaches the mean field through coupling (recurrent excitation E -&gt; E: 0.2 + 1.2 o2 - 1.4 o1) and the
/// alpha-1 excitability terms (somatic drive +20 o1 pA, threshold -2 o1 mV, rest +2 o1 mV). At the rs preset's drive
/// (I = 50 pA, just under the uncoupled population's rheobase) the steady-state rate over coupling is a sigmoid whose
/// steepest point (largest dr/dI) sits at coupling 0.35; alpha-2 carries the population onto that knee at low
/// arousal and past it, alpha-1 pulls coupling back down but adds drive, so the rate keeps rising and the gain keeps
/// falling at high arousal.
/// </remarks>
public sealed class MeanFieldGainSessionTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-mfgain-").FullName;

    /// <summary>The arousals the session visits.</summary>
    private static readonly double[] s_arousals = [0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0];

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
    /// The offline steady state of the rs mean field at <paramref name="levers"/>: RK4 (dt 0.05 ms) from rest for 8 s,
    /// then the gain of the Jacobian there; the rate must have stopped moving (under 1e-6 Hz over the last 100 ms).
    /// </summary>
    internal static (double RateHz, double GainHzPerPa) OfflineSteadyState(in LeverSet levers)
    {
        var sys = new MeanFieldSystem(MeanFieldPresets.Rs);
        sys.ApplyLevers(levers, 0);
        var y = new double[sys.Dimension];
        sys.InitialState(y);
        var rk = new Rk4Integrator(sys.Dimension);
        rk.Run(sys, y, 0.05, 158000);
        double before = y[0];
        rk.Run(sys, y, 0.05, 2000);
        Assert.True(Math.Abs(y[0] - before) * 1000 < 1e-6, $"not settled: {1000 * before} -> {1000 * y[0]} Hz");
        return (1000 * y[0], sys.RateGain(y, 0));
    }

    /// <summary>The levers of the default map at <paramref name="arousal"/> with alpha-1 occupancy held at 0 (an alpha-1 antagonist such as prazosin), each clamped to its legal range.</summary>
    private static LeverSet Alpha1Blocked(LeverMap map, double arousal)
    {
        var r = map.Receptors.Evaluate(arousal);
        return map.Evaluate(r with { Alpha1 = 0 });
    }

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
    /// In a 1 kHz rig session (the rs preset, arousal over ZeroMQ), the live gain readout after 3 s at each arousal
    /// equals the offline steady state at the session's own levers within 0.5 % (measured: within 2e-4 relative; the
    /// session's model steps at dt 0.1 ms, the offline one at 0.05 ms: RK4's fixed points do not depend on the step, so
    /// what is left is settling and the readout's float32), and forms an inverted U: the peak is interior and both ends lie below
    /// 60 % of it.
    /// </summary>
    [Fact]
    public async Task DefaultReceptorMap_MeanFieldInSession_GainIsAnInvertedU_MatchingTheOfflineSteadyState()
    {
        await using var session = RigSession.Create(Options("rs"));
        await session.StartAsync();
        Assert.True(session.Model.HonouredLevers.Contains(Lever.Coupling));
        using var pub = new PublisherSocket();
        pub.Connect(session.Options.ZmqIngestEndpoint!);
        ulong seq = 0;
        var live = new double[s_arousals.Length];
        var offline = new double[s_arousals.Length];
        var rates = new double[s_arousals.Length];
        for (int k = 0; k < s_arousals.Length; k++)
        {
            // 3 s of model time at each arousal: the lever ramp (50 ms) and the slowest relaxation (near the knee) settle.
            live[k] = await GainAt(session, pub, s_arousals[k], 3000, () => ++seq);
            (rates[k], offline[k]) = OfflineSteadyState(session.Levers.Map((float)s_arousals[k]));
        }
        string table = string.Join("; ", s_arousals.Select((a, k) =>
            $"{a:F1}: coupling {session.Levers.Map((float)a).Coupling:F3}, rate {rates[k]:F3} Hz, gain live {live[k]:F4} offline {offline[k]:F4}"));
        output.WriteLine($"mean-field rs, gain (Hz/pA) over arousal, default map: {table}");
        for (int k = 0; k < s_arousals.Length; k++)
        {
            Assert.True(Math.Abs(live[k] - offline[k]) <= 0.005 * offline[k], $"arousal {s_arousals[k]}: session {live[k]}, offline {offline[k]}; {table}");
        }
        int peak = Array.IndexOf(live, live.Max());
        Assert.True(peak > 0 && peak < live.Length - 1, $"peak at an end: {table}");
        Assert.True(live[0] < 0.6 * live[peak] && live[^1] < 0.6 * live[peak], $"ends not below 60 % of the peak: {table}");
    }

    /// <summary>
    /// Which receptor makes which part of the U (offline, the same equations, 41 arousals). Default map: the peak
    /// sits at low-to-middle arousal, where coupling brings the population onto the knee of its rate curve; after it
    /// the gain falls all the way to arousal 1. With alpha-1 occupancy held at zero (alpha-1 blocked; coupling
    /// 0.2 + 1.2 o2 reaches its ceiling 1 at arousal 0.49), the rise and the first fall stay (alpha-2 alone carries
    /// the population across the knee), but from arousal 0.5 on the gain no longer falls: it stays at the published
    /// parameters' 0.256 Hz/pA, while with alpha-1 it falls a further 15 % or more. So alpha-1 makes the fall at high
    /// arousal, alpha-2 the peak.
    /// </summary>
    [Fact]
    public void DefaultReceptorMap_Offline_PeakFromAlpha2_HighArousalFallFromAlpha1()
    {
        var map = new LeverMap();
        const int points = 41;
        var full = new double[points];
        var blocked = new double[points];
        for (int i = 0; i < points; i++)
        {
            double a = i / (points - 1.0);
            full[i] = OfflineSteadyState(map.Evaluate(a)).GainHzPerPa;
            blocked[i] = OfflineSteadyState(Alpha1Blocked(map, a)).GainHzPerPa;
        }
        string Table(double[] g) => string.Join(", ", g.Select((x, i) => $"{i / (points - 1.0):F3}: {x:F4}"));
        output.WriteLine($"default map: {Table(full)}");
        output.WriteLine($"alpha-1 blocked: {Table(blocked)}");
        int peak = Array.IndexOf(full, full.Max());
        double peakArousal = peak / (points - 1.0);
        output.WriteLine($"default map: peak {full[peak]:F4} Hz/pA at arousal {peakArousal:F3}; ends {full[0] / full[peak]:P1}, {full[^1] / full[peak]:P1} of it");
        // Inverted U: rising strictly to an interior peak, falling strictly after it to arousal 1.
        Assert.InRange(peakArousal, 0.1, 0.4);
        for (int i = 1; i <= peak; i++) Assert.True(full[i] > full[i - 1], $"not rising at {i / (points - 1.0)}: {Table(full)}");
        for (int i = peak + 1; i < points; i++) Assert.True(full[i] < full[i - 1], $"not falling at {i / (points - 1.0)}: {Table(full)}");
        // alpha-1 blocked: still a peak (alpha-2's), but flat over arousal 0.5..1 (coupling at its ceiling, no alpha-1 drive).
        int half = (points - 1) / 2;
        int blockedPeak = Array.IndexOf(blocked, blocked.Max());
        Assert.True(blockedPeak > 0 && blockedPeak < half, $"alpha-1 blocked: peak at {blockedPeak / (points - 1.0)}");
        for (int i = half + 1; i < points; i++)
        {
            Assert.True(Math.Abs(blocked[i] - blocked[half]) <= 1e-3 * blocked[half], $"alpha-1 blocked: falls back at {i / (points - 1.0)}: {Table(blocked)}");
        }
        // With alpha-1 the high-arousal fall is there: at least 15 % from arousal 0.5 to 1.
        Assert.True(full[^1] < 0.85 * full[half], $"default map: {full[half]} at 0.5, {full[^1]} at 1");
    }
}
