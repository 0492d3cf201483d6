using ClosedLoop.Core.Configuration;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Modulation.Receptors;
using ClosedLoop.Population.LowRank;
using ClosedLoop.Recording;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Replay;
using ClosedLoop.Rig.Session;
using ClosedLoop.Rig.Tests.Session;
using ClosedLoop.Runtime;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Rig.Tests.Models;

/// <summary>
/// The low-rank network in the rig: loaded from its file by <c>[model] kind = "low-rank-rnn"</c>, driven by the
/// receptor state of the loop's lever table (not by L5 levers), and replayed bit for bit.
/// </summary>
public class LowRankRigTests
{
    private static string SaveNetwork(TempDirectory dir, NeMechanism mech = NeMechanism.Postsynaptic)
    {
        string path = dir.File("net.json");
        var p = PlantedNetworks.Random(120, 2, mech, seed: 4);
        var x0 = new double[120];
        for (int i = 0; i < 120; i++) x0[i] = 0.5 * p.M[2 * i];
        LowRankFile.Save(path, new LowRankNetwork(p, NeBasis.Quadratic, x0, 20));
        return path;
    }

    [Fact]
    public void Config_LowRankRnn_LoadsTheFileAndKeepsThePathInTheEffectiveConfig()
    {
        using var dir = new TempDirectory();
        string path = SaveNetwork(dir);
        RigOptions o = RigConfigParser.Parse($"[model]\nkind = \"low-rank-rnn\"\npath = \"{path}\"\n");
        IModel m = RigModels.CreateModel(o);
        Assert.Equal("low-rank-rnn", m.Name);
        Assert.True(m.ReadoutSchema.TryFind(ReadoutNames.PyramidalRateHz, out _));
        RigOptions back = RigConfigParser.Parse(RigConfigParser.Render(o));
        Assert.Equal((ModelKind.LowRankRnn, path), (back.Model, back.ModelPath));
    }

    [Theory]
    [InlineData("[model]\nkind = \"low-rank-rnn\"\n", "missing")]
    [InlineData("[model]\nkind = \"low-rank-rnn\"\npath = \"/nonexistent/net.json\"\n", "/nonexistent/net.json")]
    public void Config_LowRankRnn_BadPath_NamesTheField(string toml, string problem)
    {
        var ex = Assert.Throws<ConfigException>(() => RigModels.CreateModel(RigConfigParser.Parse(toml)));
        Assert.Equal("model.path", ex.Field);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loop_ReceptorStateFromTheLeverTable_ReachesTheModel()
    {
        using var dir = new TempDirectory();
        var o = RigConfigParser.Parse($"[model]\nkind = \"low-rank-rnn\"\npath = \"{SaveNetwork(dir)}\"\n");
        var table = RigModels.CreateLeverTable(o);
        var model = (LowRankRnnModel)RigModels.CreateModel(o);
        var rt = new ClosedLoopRuntime(RuntimeConfigPresets.SingleStimulator(1000, substeps: 10), model, new TableLeverMap(table));
        Assert.True(model.ReadoutSchema.TryFind("ne_level", out int ne));
        foreach (float arousal in new[] { 0.1f, 0.5f, 0.9f })
        {
            rt.Input.Publish(new ArousalEstimate(arousal, SampleQuality.Good, rt.StepsRun * 0.001, rt.DeterministicTicks(rt.StepsRun), (ulong)rt.StepsRun + 1));
            rt.StepOnce();
            ReceptorDrive expected = table.Receptors(arousal);
            Assert.Equal(expected, model.Drive);
            Assert.Equal(expected.Level, model.Readout[ne]);
            // The level follows the receptor map: (c - c_min) / (c_max - c_min) = arousal^exponent.
            Assert.Equal(Math.Pow(arousal, table.Map.Receptors.Options.ArousalExponent), expected.Level, 5);
        }
    }

    [Fact]
    public async Task LiveSession_LowRankRnn_ReplaysBitForBit()
    {
        using var dir = new TempDirectory();
        string rec = dir.File("lowrank.cllog");
        var options = RigTestOptions.Create(rec) with { Model = ModelKind.LowRankRnn, ModelPath = SaveNetwork(dir, NeMechanism.Connectivity) };
        var session = RigSession.Create(options);
        await session.StartAsync();
        var timeout = TimeSpan.FromSeconds(30);
        await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed, timeout);
        long at = session.Runtime.StepsRun;
        await session.Device.WaitForFrameAsync(f => f.Step > at + 500, timeout);
        await session.DisposeAsync();

        var report = await ReplayEngine.RunAsync(rec, new RigReplayTarget());
        Assert.True(report.Reproduced, $"first divergence: {report.FirstDivergence}; stop: {report.StopReason}");
        Assert.True(report.ReadoutsCompared > 500, $"readouts compared {report.ReadoutsCompared}");
    }

    [Fact]
    public void PinModelFile_PutsTheFilesSha256IntoTheEffectiveConfig_AndAChangedFileIsRefused()
    {
        using var dir = new TempDirectory();
        string path = SaveNetwork(dir);
        var o = RigModels.PinModelFile(RigConfigParser.Parse($"[model]\nkind = \"low-rank-rnn\"\npath = \"{path}\"\n"));
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
        Assert.Equal(expected, o.ModelSha256);
        RigOptions back = RigConfigParser.Parse(RigConfigParser.Render(o));
        Assert.Equal(expected, back.ModelSha256);
        Assert.Equal("low-rank-rnn", RigModels.CreateModel(back).Name);

        File.WriteAllText(path, File.ReadAllText(path).Replace("\"tau_ms\": 100", "\"tau_ms\": 101", StringComparison.Ordinal));
        var ex = Assert.Throws<ConfigException>(() => RigModels.CreateModel(back));
        Assert.Equal("model.sha256", ex.Field);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Throws<ConfigException>(() => RigModels.PinModelFile(back));
    }

    [Fact]
    public async Task Replay_WithAChangedNetworkFile_IsRefusedLoudly()
    {
        using var dir = new TempDirectory();
        string rec = dir.File("lowrank.cllog");
        string path = SaveNetwork(dir);
        var session = RigSession.Create(RigTestOptions.Create(rec) with { Model = ModelKind.LowRankRnn, ModelPath = path });
        await session.StartAsync();
        var timeout = TimeSpan.FromSeconds(30);
        await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed, timeout);
        long at = session.Runtime.StepsRun;
        await session.Device.WaitForFrameAsync(f => f.Step > at + 100, timeout);
        await session.DisposeAsync();

        // Another network under the same name: same shape, different weights.
        var other = PlantedNetworks.Random(120, 2, NeMechanism.Postsynaptic, seed: 5);
        LowRankFile.Save(path, new LowRankNetwork(other, NeBasis.Quadratic, new double[120], 20));
        var ex = await Assert.ThrowsAsync<ConfigException>(() => ReplayEngine.RunAsync(rec, new RigReplayTarget()));
        Assert.Equal("model.sha256", ex.Field);
        Assert.Contains("SHA-256", ex.Message, StringComparison.Ordinal);
    }
}
