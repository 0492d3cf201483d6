using ClosedLoop.Core.Configuration;
using ClosedLoop.Core.Models;
using ClosedLoop.Rig.Config;
using Xunit;

namespace ClosedLoop.Rig.Tests.Config;

public class PopulationModelConfigTests
{
    [Theory]
    [InlineData("", "mean-field-rs", 3)]
    [InlineData("preset = \"rs-fs\"\n", "mean-field-rs-fs", 5)]
    [InlineData("preset = \"rs-fs-lts\"\n", "mean-field-rs-fs-lts", 7)]
    public void Parse_MeanField_BuildsThePreset(string presetLine, string name, int readouts)
    {
        RigOptions o = RigConfigParser.Parse("[model]\nkind = \"mean-field\"\n" + presetLine);
        IModel m = RigModels.CreateModel(o);
        Assert.Equal(name, m.Name);
        Assert.Equal(readouts, m.ReadoutSchema.Count);
        Assert.True(m.ReadoutSchema.TryFind(ReadoutNames.PyramidalRateHz, out _));
        // The effective config keeps the preset, so a replay rebuilds the same model.
        RigOptions back = RigConfigParser.Parse(RigConfigParser.Render(o));
        Assert.Equal((o.Model, o.ModelPreset), (back.Model, back.ModelPreset));
    }

    [Theory]
    [InlineData("", "neural-mass-ei")]
    [InlineData("preset = \"jansen-rit\"\n", "neural-mass-jansen-rit")]
    public void Parse_NeuralMass_FirstOrderOrJansenRit(string presetLine, string name) =>
        Assert.Equal(name, RigModels.CreateModel(RigConfigParser.Parse("[model]\nkind = \"neural-mass\"\n" + presetLine)).Name);

    [Theory]
    [InlineData("[model]\nkind = \"mean-field\"\npreset = \"rs-pv\"\n", "expected one of: rs, rs-fs, rs-fs-lts")]
    [InlineData("[model]\nkind = \"microcircuit\"\npreset = \"rs\"\n", "this model kind has no presets")]
    public void Parse_BadPreset_NamesTheField(string toml, string problem)
    {
        var ex = Assert.Throws<ConfigException>(() => RigConfigParser.Parse(toml));
        Assert.Equal("model.preset", ex.Field);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }
}
