using ClosedLoop.Circuit.Scenarios;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Core.Configuration;
using ClosedLoop.Rig.Scenarios;
using Xunit;

namespace ClosedLoop.Rig.Tests.Scenarios;

public class ScenarioParserTests
{
    private const string Valid = """
        name = "two_pops"
        duration_ms = 500
        dt_ms = 0.05
        seed = 7
        topology = "sheet"

        [[population]]
        name = "pyr"
        type = "l5_pyramidal"
        count = 20

        [[population]]
        name = "rs"
        type = "izhikevich2007"
        count = 3
        preset = "rs"

        [[projection]]
        from = "pyr"
        to = "rs"
        receptor = "nmda"
        weight = 0.5
        sd = 0.25
        fan_in = 4
        delay_ms = 2

        [[projection]]
        from = "rs"
        to = "pyr"
        receptor = "gaba_a"
        target = "dendrite"
        weight = 1
        fan_in = 2
        plasticity = "pair_stdp"
        max_weight = 3

        [[drive]]
        population = "rs"
        kind = "step"
        amplitude = 70
        start_ms = 100
        stop_ms = 400

        [levers]
        coupling = 0.5
        som_strength = 2

        [outputs]
        rate_bin_ms = 5
        spikes = false

        [[outputs.trace]]
        variable = "v_dendrite"
        population = "pyr"
        neurons = [0, 19]
        interval_ms = 1
        """;

    [Fact]
    public void Parse_ValidScenario_MapsEveryFieldOntoCircuitSpec()
    {
        var s = ScenarioParser.Parse(Valid);

        Assert.Equal("two_pops", s.Name);
        Assert.Equal(500, s.DurationMs);
        Assert.Equal(10_000, s.StepCount);
        var c = s.Circuit;
        Assert.Equal(0.05, c.DtMs);
        Assert.Equal(7, c.Seed);
        Assert.Equal(Topology.Sheet, c.Topology);
        Assert.Equal(new PopulationSpec("pyr", CellType.L5Pyramidal, 20), c.Populations[0]);
        Assert.Equal(new PopulationSpec("rs", CellType.Izhikevich2007, 3, "RS"), c.Populations[1]);
        Assert.Equal(new ProjectionSpec("pyr", "rs", Receptor.Nmda, Compartment.Soma, 0.5, 0.25, 4, 2), c.Projections[0]);
        var back = c.Projections[1];
        Assert.Equal((Receptor.GabaA, Compartment.Dendrite, PlasticityRule.PairStdp, 3.0), (back.Receptor, back.Target, back.Plasticity, back.MaxWeight!.Value));
        Assert.True(double.IsPositiveInfinity(back.Sd));
        Assert.Equal(new DriveSpec("rs", DriveKind.Step, Compartment.Soma, 70, StartMs: 100, StopMs: 400), c.Drives.Single());
        Assert.Equal(0.5f, c.Levers.Coupling);
        Assert.Equal(2f, c.Levers.SomStrength);
        Assert.Equal(1f, c.Levers.PvStrength);
        Assert.False(s.Outputs.Spikes);
        Assert.Equal(5, s.Outputs.RateBinMs);
        var trace = s.Outputs.Traces.Single();
        Assert.Equal((StateVariable.VDendrite, "pyr", 1.0), (trace.Variable, trace.Population, trace.IntervalMs));
        Assert.Equal([0, 19], trace.Neurons);
    }

    [Fact]
    public void Parse_MinimalScenario_UsesDocumentedDefaults()
    {
        var s = ScenarioParser.Parse("duration_ms = 10\n[[population]]\nname = \"a\"\ntype = \"pv\"\ncount = 1\n", "fallback");

        Assert.Equal("fallback", s.Name);
        Assert.Equal(0.1, s.Circuit.DtMs);
        Assert.Equal(1, s.Circuit.Seed);
        Assert.Equal(Topology.Ring, s.Circuit.Topology);
        Assert.Equal(50, s.Circuit.RateWindowMs);
        Assert.Equal(ClosedLoop.Core.Levers.LeverSet.Neutral, s.Circuit.Levers);
        Assert.Equal(OutputSpec.Default, s.Outputs);
    }

    [Theory]
    [InlineData("to = \"rs\"", "to = \"nope\"", "'projection[0].to': \"nope\"; unknown population, expected one of: pyr, rs")]
    [InlineData("population = \"rs\"", "population = \"gone\"", "'drive[0].population': \"gone\"; unknown population")]
    [InlineData("population = \"pyr\"\nneurons", "population = \"xx\"\nneurons", "'outputs.trace[0].population': \"xx\"; unknown population")]
    public void Parse_UnknownPopulation_NamesFieldValueAndChoices(string from, string to, string expected)
        => AssertError(Valid.Replace(from, to, StringComparison.Ordinal), expected);

    [Theory]
    [InlineData("count = 20", "count = -5", "'population[0].count': -5; expected a positive integer")]
    [InlineData("count = 20", "count = 0", "'population[0].count': 0; expected a positive integer")]
    [InlineData("count = 20", "count = \"ten\"", "'population[0].count': \"ten\" (a string); expected an integer")]
    [InlineData("weight = 0.5", "weight = -1", "'projection[0].weight': -1; expected a conductance >= 0 nS")]
    [InlineData("neurons = [0, 19]", "neurons = [0, 20]", "'outputs.trace[0].neurons[1]': 20; expected an index within population \"pyr\", 0..19")]
    [InlineData("stop_ms = 400", "stop_ms = 50", "'drive[0].stop_ms': 50; expected a time >= start_ms (100)")]
    public void Parse_ValueOutOfRangeOrWrongType_NamesFieldValueAndExpectation(string from, string to, string expected)
        => AssertError(Valid.Replace(from, to, StringComparison.Ordinal), expected);

    [Theory]
    [InlineData("0.001")]
    [InlineData("2")]
    [InlineData("0")]
    [InlineData("-0.1")]
    public void Parse_DtOutOfRange_ReportsAcceptedRange(string dt)
        => AssertError(Valid.Replace("dt_ms = 0.05", $"dt_ms = {dt}", StringComparison.Ordinal), $"'dt_ms': {dt}; expected 0.005..1 ms");

    [Theory]
    [InlineData("0.005")]
    [InlineData("1.0")]
    public void Parse_DtAtRangeLimits_Accepted(string dt)
        => Assert.Equal(double.Parse(dt, System.Globalization.CultureInfo.InvariantCulture),
            ScenarioParser.Parse(Valid.Replace("dt_ms = 0.05", $"dt_ms = {dt}", StringComparison.Ordinal)).Circuit.DtMs);

    [Fact]
    public void Parse_UnknownPreset_ListsThePresetsOfThatCellType()
        => AssertError(Valid.Replace("preset = \"rs\"", "preset = \"XX\"", StringComparison.Ordinal),
            "'population[1].preset': \"XX\"; unknown preset, expected one of: RS, IB, CH, FS, LTS");

    [Fact]
    public void Parse_PresetOnPyramidalPopulation_Rejected()
        => AssertError(Valid.Replace("count = 20", "count = 20\npreset = \"RS\"", StringComparison.Ordinal),
            "'population[0].preset': \"RS\"; presets apply only to izhikevich2003 and izhikevich2007");

    [Fact]
    public void Parse_UnknownCellType_ListsTypes()
        => AssertError(Valid.Replace("\"l5_pyramidal\"", "\"l23\"", StringComparison.Ordinal),
            "'population[0].type': \"l23\"; expected one of: l5_pyramidal, som, pv, izhikevich2003, izhikevich2007");

    [Theory]
    [InlineData("coupling = 0.5", "coupling = 1.5", "'levers.coupling': lever 'coupling' is 1.5; expected 0..1")]
    [InlineData("som_strength = 2", "som_strength = -1", "'levers.som_strength': lever 'som_strength' is -1; expected 0..10")]
    [InlineData("som_strength = 2", "synaptic_time_scale = 20", "'levers.synaptic_time_scale': lever 'synaptic_time_scale' is 20; expected 0.1..10")]
    [InlineData("som_strength = 2", "pv_strength = nan", "'levers.pv_strength': lever 'pv_strength' is NaN; expected a finite number")]
    [InlineData("som_strength = 2", "dendritic_drive = 20000", "'levers.dendritic_drive': lever 'dendritic_drive' is 20000; expected -10000..10000")]
    public void Parse_LeverOutOfRange_ReportsLeverSetValidationError(string from, string to, string expected)
        => AssertError(Valid.Replace(from, to, StringComparison.Ordinal), expected);

    [Theory]
    [InlineData("seed = 7", "seed = 7\ndurration_ms = 3", "'durration_ms': unknown key; expected one of: name, duration_ms")]
    [InlineData("fan_in = 4", "fan_in = 4\nfanin = 4", "'projection[0].fanin': unknown key; expected one of: from, to, receptor")]
    [InlineData("som_strength = 2", "som_strenght = 2", "'levers.som_strenght': unknown key; expected one of: coupling, dendritic_drive")]
    [InlineData("interval_ms = 1", "interval_ms = 1\nevery = 2", "'outputs.trace[0].every': unknown key")]
    public void Parse_UnknownKey_NamesKeyAndAllowedKeys(string from, string to, string expected)
        => AssertError(Valid.Replace(from, to, StringComparison.Ordinal), expected);

    [Fact]
    public void Parse_MissingDuration_NamesMissingField()
        => AssertError(Valid.Replace("duration_ms = 500", "", StringComparison.Ordinal), "config error in 'duration_ms': missing");

    [Fact]
    public void Parse_DuplicatePopulationName_Rejected()
        => AssertError(Valid.Replace("name = \"rs\"", "name = \"pyr\"", StringComparison.Ordinal),
            "'population[1].name': \"pyr\"; expected a unique name");

    [Fact]
    public void Parse_DendriteTargetOnCellWithoutDendrite_Rejected()
        => AssertError(Valid.Replace("kind = \"step\"", "kind = \"step\"\ntarget = \"dendrite\"", StringComparison.Ordinal),
            "'drive[0].target': \"dendrite\"; population \"rs\" has no dendrite");

    [Fact]
    public void Parse_MalformedToml_ReportsSyntaxError()
    {
        var ex = Assert.Throws<ConfigException>(() => ScenarioParser.Parse("duration_ms = = 3"));
        Assert.StartsWith("config error: the scenario is not valid TOML", ex.Message, StringComparison.Ordinal);
        Assert.Equal("", ex.Field);
    }

    [Fact]
    public void Parse_NoCells_ExplainsHowToDefineThem()
        => AssertError("duration_ms = 10", "the scenario defines no cells");

    [Fact]
    public void ParseFile_MissingFile_ReportsPath()
        => AssertError(() => ScenarioParser.ParseFile("/nonexistent/x.toml"), "cannot read scenario file '/nonexistent/x.toml'");

    private static void AssertError(string toml, string expectedFragment)
        => AssertError(() => ScenarioParser.Parse(toml), expectedFragment);

    private static void AssertError(Action parse, string expectedFragment)
    {
        var ex = Assert.Throws<ConfigException>(parse);
        Assert.Contains(expectedFragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InterleavedArraysOfTables_KeepsEveryEntryInOrder()
    {
        // Valid TOML (toml-lang/toml#1103) that Tomlyn 2.10 alone reads as one population and one drive.
        const string toml = """
            duration_ms = 10
            [[population]]
            name = "a"
            type = "pv"
            count = 1
            [[drive]]
            population = "a"
            kind = "constant"
            amplitude = 1
            [[population]]
            name = "b"
            type = "pv"
            count = 2
            [[drive]]
            population = "b"
            kind = "constant"
            amplitude = 2
            [outputs]
            rate_bin_ms = 5
            [[population]]
            name = "c"
            type = "som"
            count = 3
            """;

        var s = ScenarioParser.Parse(toml);

        Assert.Equal(["a", "b", "c"], s.Circuit.Populations.Select(p => p.Name));
        Assert.Equal([3], s.Circuit.Populations.Skip(2).Select(p => p.Count));
        Assert.Equal([("a", 1.0), ("b", 2.0)], s.Circuit.Drives.Select(d => (d.Population, d.Amplitude)));
        Assert.Equal(5, s.Outputs.RateBinMs);
    }

    [Fact]
    public void ExampleScenarios_AllParse()
    {
        var files = Directory.GetFiles(Path.Combine(RepoRoot(), "scenarios"), "*.toml");
        Assert.True(files.Length >= 4, $"only {files.Length} example scenarios");
        foreach (var file in files)
        {
            var s = ScenarioParser.ParseFile(file);
            Assert.True(s.StepCount > 0, file);
        }
    }

    [Fact]
    public void Parse_DuplicateKey_NamesTheField()
    {
        var ex = Assert.Throws<ConfigException>(() => ScenarioParser.Parse(Valid.Replace("fan_in = 4", "fan_in = 4\nfan_in = 5", StringComparison.Ordinal)));
        Assert.Equal("projection[0].fan_in", ex.Field);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClosedLoop.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("repository root not found above " + AppContext.BaseDirectory);
    }

    [Theory]
    [InlineData("name = \"a\\u0000b\"")]
    [InlineData("name = \"../escape\"")]
    [InlineData("name = \"..\"")]
    [InlineData("name = \"a/b\"")]
    [InlineData("name = \"a\\\\b\"")]
    [InlineData("name = \"/etc\"")]
    [InlineData("name = \"\"")]
    public void Parse_NameThatIsNotOnePlainDirectoryName_FailsNamingTheNameField(string nameLine)
    {
        var toml = nameLine + "\nduration_ms = 10\n[[population]]\nname = \"p\"\ntype = \"izhikevich2007\"\ncount = 1\n";
        var ex = Assert.Throws<ConfigException>(() => ScenarioParser.Parse(toml));
        Assert.Equal("name", ex.Field);
    }
}
