using ClosedLoop.Circuit;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Population.LowRank;
using ClosedLoop.Population.MeanField;
using ClosedLoop.Population.NeuralMass;
using ClosedLoop.Recording;
using ClosedLoop.Runtime;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Recording;
using ClosedLoop.Runtime.Safety;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Rig.Tests.Models;

/// <summary>
/// The contract every loop model keeps (<see cref="IModel"/>), checked over every model, as NEST checks every
/// neuron model: Prepare resets, Step allocates nothing, readouts are finite and match the schema, levers ramp
/// to their targets, neutral levers leave the published model, one seed gives one run, and a short session
/// replays bit for bit through the real loop. A new model joins by one line in <see cref="Models"/>.
/// </summary>
[Collection(AllocationTestsCollection.Name)]
public class ModelContractTests
{
    private const double DtMs = 0.1;

    /// <summary>Every model, by name, with a factory for a small instance (seeded where the model is random).</summary>
    private static readonly Dictionary<string, Func<int, IModel>> s_factories = new()
    {
        ["microcircuit"] = seed => MicrocircuitBuilder.Build(DefaultMicrocircuit.Create(200, seed, DtMs)),
        ["neural-mass"] = _ => new NeuralMassModel(),
        ["neural-mass-jansen-rit"] = _ => new SecondOrderNeuralMassModel(),
        ["mean-field-rs"] = _ => MeanFieldModel.FromPreset("rs"),
        ["mean-field-rs-fs"] = _ => MeanFieldModel.FromPreset("rs-fs"),
        ["mean-field-rs-fs-lts"] = _ => MeanFieldModel.FromPreset("rs-fs-lts"),
        ["low-rank-rnn"] = seed => new LowRankRnnModel(PlantedNetworks.Random(200, 2, NeMechanism.Connectivity, seed), NeBasis.Receptor,
            initialDrive: new ReceptorDrive(0.5f, 0.4f, 0.2f)),
    };

    public static TheoryData<string> Models() => new(s_factories.Keys);

    private static IModel Create(string name, int seed = 7)
    {
        IModel m = s_factories[name](seed);
        m.LeverRampMs = 5;
        m.Prepare(DtMs);
        return m;
    }

    /// <summary>Non-neutral levers every model must take (inside every lever's legal range).</summary>
    private static LeverSet Moved()
    {
        var l = LeverSet.Neutral;
        l.Coupling = 0.6f;
        l.SomaticDrive = 150f;
        l.ThresholdShift = -2f;
        l.AmpaGain = 1.3f;
        l.SomStrength = 0.7f;
        return l;
    }

    private static ModelReadout[] Run(IModel m, int steps, float input = 120f)
    {
        var readouts = new ModelReadout[steps];
        m.SetInput(input);
        for (int i = 0; i < steps; i++)
        {
            m.Step();
            readouts[i] = m.Readout;
        }
        return readouts;
    }

    private static void AssertBitEqual(ModelReadout[] a, ModelReadout[] b)
    {
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(ModelReadout.BitEquals(a[i], b[i]), $"readout {i} differs");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Schema_IsFixedAndMatchesEveryReadout(string name)
    {
        IModel m = Create(name);
        ReadoutSchema schema = m.ReadoutSchema;
        Assert.InRange(schema.Count, 1, ModelReadout.MaxValues);
        m.SetLevers(Moved());
        foreach (ModelReadout r in Run(m, 500))
        {
            Assert.Equal(schema.Count, r.Count);
            foreach (float v in ModelReadout.AsSpan(r))
            {
                Assert.True(float.IsFinite(v), $"{name}: non-finite readout {v}");
            }
        }
        Assert.Same(schema, m.ReadoutSchema);
        Assert.Equal(500 * DtMs, m.Readout.TimeMs, 9);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Prepare_ResetsState_SecondRunRepeatsTheFirst(string name)
    {
        IModel m = Create(name);
        m.SetLevers(Moved());
        ModelReadout[] first = Run(m, 300);
        m.SetLevers(LeverSet.Neutral);
        m.Prepare(DtMs);
        m.SetLevers(Moved());
        Assert.Equal(0, m.Readout.TimeMs);
        // Prepare made the levers jump to the targets in force then (neutral); the moved targets ramp again.
        var fresh = Create(name);
        fresh.SetLevers(LeverSet.Neutral);
        fresh.Prepare(DtMs);
        fresh.SetLevers(Moved());
        AssertBitEqual(Run(fresh, 300), Run(m, 300));
        Assert.NotEqual(default, first[^1].TimeMs);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Step_AllocatesNothing(string name)
    {
        IModel m = Create(name);
        var levers = Moved();
        var (bytes, rounds) = SteadyStateAllocation.Measure(() =>
        {
            m.SetLevers(levers);
            m.SetInput(100f);
            m.Step();
            _ = m.Readout;
        }, 2000);
        Assert.True(bytes == 0, $"{name}: {bytes} bytes in {rounds} rounds of 2000 steps");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Levers_RampToTheirTargets(string name)
    {
        IModel m = Create(name);
        LeverSet target = Moved();
        m.SetLevers(target);
        m.Step();
        Assert.NotEqual(target, m.CurrentLevers); // a ramp, not a jump
        Run(m, (int)(20 * m.LeverRampMs / DtMs)); // 20 time constants
        LeverSet now = m.CurrentLevers;
        foreach (LeverInfo info in LeverSchema.All)
        {
            if (m.HonouredLevers.Contains(info.Lever))
            {
                float a = now[info.Lever], b = target[info.Lever];
                Assert.True(MathF.Abs(a - b) <= 1e-5f * MathF.Max(1f, MathF.Abs(b)), $"{name}: lever {info.Name} at {a}, target {b}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void NeutralLevers_LeaveThePublishedModel(string name)
    {
        IModel untouched = Create(name);
        IModel neutral = Create(name);
        for (int i = 0; i < 50; i++)
        {
            neutral.SetLevers(LeverSet.Neutral);
        }
        AssertBitEqual(Run(untouched, 400), Run(neutral, 400));
        Assert.Equal(LeverSet.Neutral, neutral.CurrentLevers);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void OneSeed_TwoRuns_Identical(string name)
    {
        IModel a = Create(name, seed: 11), b = Create(name, seed: 11);
        a.SetLevers(Moved());
        b.SetLevers(Moved());
        AssertBitEqual(Run(a, 400), Run(b, 400));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task ShortSession_ReplaysBitForBitThroughTheLoop(string name)
    {
        using var dir = new TempDirectory();
        string path = dir.File(name + ".clrec");
        RuntimeConfig config = RuntimeConfigPresets.SingleStimulator(1000, substeps: 10) with
        {
            Watchdog = new WatchdogConfig { StaleInputMs = 1000, DeviceHeartbeatTimeoutMs = 1000, MaxOverrunStreak = 1000 },
        };
        var low = LeverSet.Neutral;
        var high = Moved();
        ClosedLoopRuntime Build(ILoopRecorder? recorder) => new(config, s_factories[name](3), new LinearLeverMap(low, high), heartbeat: null, recorder);

        using (var recorder = new LoopRecorder(new RecordingWriter(path), $"model = \"{name}\"\n"))
        {
            ClosedLoopRuntime rt = Build(recorder);
            recorder.AttachGovernor(rt.Governor);
            for (int step = 0; step < 200; step++)
            {
                if (step % 5 == 0)
                {
                    float arousal = 0.5f + 0.4f * MathF.Sin(step * 0.05f);
                    rt.Input.Publish(new ArousalEstimate(arousal, SampleQuality.Good, step * 0.001, rt.DeterministicTicks(rt.StepsRun), (ulong)step + 1));
                }
                rt.StepOnce();
            }
        }

        ReplayReport report = await ReplayEngine.RunAsync(path, new RuntimeReplayTarget((setup, heartbeat, recorder) => Build(recorder)));
        Assert.True(report.Reproduced, $"{name}: {report.FirstDivergence} {report.StopReason}");
        Assert.Equal(200, report.OutputsCompared);
        Assert.Equal(200, report.ReadoutsCompared);
    }
}
