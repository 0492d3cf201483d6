using ClosedLoop.Core.Configuration;
using ClosedLoop.Core.Levers;
using ClosedLoop.Modulation.Receptors;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Scenarios;
using Xunit;

namespace ClosedLoop.Rig.Tests.Scenarios;

public class ScenarioModulationTests
{
    private const string Head = "duration_ms = 10\n[microcircuit]\ncells = 20\n";

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.8)]
    public void Arousal_ResolvesThroughTheMapClosedLoopRunUses(double arousal)
    {
        var scenario = ScenarioParser.Parse(Head + $"[modulation]\narousal = {arousal:R}\n");

        // What `closedloop run` would set at this arousal: the rig's lever table, built from the default config.
        var expected = RigModels.CreateLeverTable(RigConfigParser.Defaults()).Lookup((float)arousal);
        Assert.Equal(expected, scenario.Circuit.Levers);
        Assert.NotEqual(LeverSet.Neutral, scenario.Circuit.Levers);
    }

    [Fact]
    public void ModulationSubsections_AreTheRigConfigSections()
    {
        const string map = "[modulation.receptors]\nalpha2_k_nm = 30\n[modulation.levers]\ncoupling = { base = 0.4, alpha2 = 0.5, alpha1 = -0.5 }\n";
        var scenario = ScenarioParser.Parse(Head + "[modulation]\narousal = 0.3\n" + map);

        var rig = RigConfigParser.Parse(map.Replace("[modulation.", "[", StringComparison.Ordinal));
        Assert.Equal(RigModels.CreateLeverTable(rig).Lookup(0.3f), scenario.Circuit.Levers);
        var r = new ReceptorMap(rig.LeverMap.Receptors).Evaluate(0.3);
        Assert.Equal(0.4 + 0.5 * r.Alpha2 - 0.5 * r.Alpha1, scenario.Circuit.Levers.Coupling, 1e-5);
    }

    [Fact]
    public void ExplicitLevers_OverrideTheMapOneByOne()
    {
        var scenario = ScenarioParser.Parse(Head + "[modulation]\narousal = 0.5\n[levers]\nsom_strength = 3\n");

        var fromMap = new LeverTable(new LeverMap()).Lookup(0.5f);
        Assert.Equal(3f, scenario.Circuit.Levers.SomStrength);
        Assert.Equal(fromMap.Coupling, scenario.Circuit.Levers.Coupling);
        Assert.Equal(fromMap.DendriticDrive, scenario.Circuit.Levers.DendriticDrive);
    }

    [Fact]
    public void RepoScenario_MidArousal_HasTheMapsLeversAtHalfArousal()
    {
        var scenario = ScenarioParser.ParseFile(Tests.Config.DocumentedConfigTests.RepoFile("scenarios/microcircuit-mid-arousal.toml"));

        Assert.Equal(new LeverTable(new LeverMap()).Lookup(0.5f), scenario.Circuit.Levers);
        Assert.Equal(0.644, scenario.Circuit.Levers.Coupling, 0.001);
    }

    [Theory]
    [InlineData("[modulation]\narousal = 1.5\n", "modulation.arousal")]
    [InlineData("[modulation]\narousal = -0.1\n", "modulation.arousal")]
    [InlineData("[modulation]\narousal = \"high\"\n", "modulation.arousal")]
    [InlineData("[modulation]\n", "modulation.arousal")]
    [InlineData("[modulation]\narousal = 0.5\nlevel = 2\n", "modulation.level")]
    [InlineData("[modulation]\narousal = 0.5\n[modulation.levers]\ncoupling = { base = 0.9, alpha2 = 0.9, alpha1 = 0 }\n", "modulation.levers.coupling")]
    [InlineData("[modulation]\narousal = 0.5\n[modulation.levers]\ncupling = { base = 0.9, alpha2 = 0, alpha1 = 0 }\n", "modulation.levers.cupling")]
    [InlineData("[modulation]\narousal = 0.5\n[modulation.receptors]\nalpha2_k_nm = -1\n", "modulation.receptors.alpha2_k_nm")]
    [InlineData("[modulation]\narousal = 0.5\n[levers]\ncoupling = 2\n", "levers.coupling")]
    public void BadModulation_NamesTheField(string toml, string field)
    {
        var ex = Assert.Throws<ConfigException>(() => ScenarioParser.Parse(Head + toml));
        Assert.Equal(field, ex.Field);
    }
}
