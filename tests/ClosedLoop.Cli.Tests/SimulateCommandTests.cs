using ClosedLoop.TestSupport;

namespace ClosedLoop.Cli.Tests;

public class SimulateCommandTests
{
    [Fact]
    public void Simulate_Izhikevich2007RsStep_SixSpikesAtReferenceTimes()
    {
        // Reference: Izhikevich 2007 (Dynamical Systems in Neuroscience, fig. 8.12 RS cell, 70 pA step at 100 ms, forward
        // Euler dt 0.1 ms): 6 spikes near 200, 348, 496, 644, 792, 940 ms. "Near": the book quotes whole ms;
        // we allow 1 ms (10 steps), which still catches a wrong parameter or an off-by-one in the step time.
        using var dir = new TempDirectory();

        var (code, output, error) = CliRunner.Run("simulate", RepoPaths.Scenario("izhikevich2007-rs-step.toml"), "--out", dir.Path);

        Assert.True(code == ExitCodes.Ok, error);
        var spikes = CsvFile.Read(dir.File("spikes.csv"));
        Assert.Equal(["t_ms", "neuron"], spikes.Header);
        double[] expected = [200, 348, 496, 644, 792, 940];
        var times = spikes.Column(0);
        Assert.Equal(expected.Length, times.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.InRange(times[i], expected[i] - 1, expected[i] + 1);
        }
        Assert.All(spikes.Column(1), n => Assert.Equal(0, n));
        Assert.Contains("cells        1", output, StringComparison.Ordinal);
        Assert.Contains("6.000 Hz  (6 spikes, 1 cells)", output, StringComparison.Ordinal);

        // Traces: v every step (10000 rows) and u every ms (1000 rows); v starts at rest (-60 mV).
        var traces = CsvFile.Read(dir.File("traces.csv"));
        Assert.Equal(["t_ms", "neuron", "variable", "value"], traces.Header);
        Assert.Equal(10_000, traces.Rows.Count(r => r[2] == "v"));
        Assert.Equal(1_000, traces.Rows.Count(r => r[2] == "u"));
        Assert.Equal(-60, double.Parse(traces.Rows[0][3], System.Globalization.CultureInfo.InvariantCulture), 3);
    }

    [Fact]
    public void Simulate_Izhikevich2003Rs_TwentySpikesFirstAtReferenceTimes()
    {
        // Reference: Izhikevich (2003), RS, I = 10, 1 ms step, his scheme: 20 spikes, the first at 4, 31, 79, 141 ms
        // of his clock. The engine stamps a spike at the end of the step in which v crossed 30, which is the step
        // start at which his code detects it: the same numbers (they were one step late before that convention).
        using var dir = new TempDirectory();

        var (code, _, error) = CliRunner.Run("simulate", RepoPaths.Scenario("izhikevich2003-rs.toml"), "--out", dir.Path);

        Assert.True(code == ExitCodes.Ok, error);
        var times = CsvFile.Read(dir.File("spikes.csv")).Column(0);
        Assert.Equal(20, times.Length);
        Assert.Equal([4.0, 31.0, 79.0, 141.0], times[..4]);
    }

    [Fact]
    public void Simulate_SmallMicrocircuit_WritesConsistentSpikesRatesAndTraces()
    {
        using var dir = new TempDirectory();
        string scenario = dir.File("small.toml");
        File.WriteAllText(scenario, """
            duration_ms = 200
            [microcircuit]
            cells = 100
            [outputs]
            rate_bin_ms = 20
            [[outputs.trace]]
            variable = "v_dendrite"
            population = "pyr"
            neurons = [0, 79]
            interval_ms = 1
            [[outputs.trace]]
            variable = "g_soma"
            population = "pv"
            neurons = "all"
            interval_ms = 10
            """);
        string outDir = dir.File("out");

        var (code, output, error) = CliRunner.Run("simulate", scenario, "--out", outDir);

        Assert.True(code == ExitCodes.Ok, error);
        var spikes = CsvFile.Read(Path.Combine(outDir, "spikes.csv"));
        var times = spikes.Column(0);
        var neurons = spikes.Column(1);
        Assert.NotEmpty(times);
        for (int i = 1; i < times.Length; i++)
        {
            Assert.True(times[i] >= times[i - 1], $"spike times not monotonic at row {i + 1}");
        }
        Assert.All(times, t => Assert.InRange(t, 0.1, 200));
        Assert.All(neurons, n => Assert.InRange(n, 0, 99));

        // rates.csv: 10 bins of 20 ms; summed back to counts they must equal the spike file per population
        // (pyr 0..79, som 80..89, pv 90..99).
        var rates = CsvFile.Read(Path.Combine(outDir, "rates.csv"));
        Assert.Equal(["t_start_ms", "t_end_ms", "pyr", "som", "pv"], rates.Header);
        Assert.Equal(10, rates.Rows.Length);
        int[] sizes = [80, 10, 10];
        int[] offsets = [0, 80, 90];
        for (int k = 0; k < 3; k++)
        {
            double fromRates = rates.Column(2 + k).Sum() * sizes[k] * 0.020;
            int fromSpikes = neurons.Count(n => n >= offsets[k] && n < offsets[k] + sizes[k]);
            Assert.Equal(fromSpikes, fromRates, 6);
        }

        // traces.csv: 2 pyramidal dendrites x 200 samples + 10 PV somata x 20 samples.
        var traces = CsvFile.Read(Path.Combine(outDir, "traces.csv"));
        Assert.Equal(400, traces.Rows.Count(r => r[2] == "v_dendrite"));
        Assert.Equal(200, traces.Rows.Count(r => r[2] == "g_soma"));
        Assert.All(traces.Rows, r => Assert.True(double.IsFinite(double.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Contains("synapses", output, StringComparison.Ordinal);
        Assert.Contains("real-time", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_SpikesDisabled_WritesNoSpikeFile()
    {
        using var dir = new TempDirectory();
        string scenario = dir.File("nospikes.toml");
        File.WriteAllText(scenario, "duration_ms = 50\n[microcircuit]\ncells = 20\n[outputs]\nspikes = false\n");

        var (code, _, error) = CliRunner.Run("simulate", scenario, "--out", dir.File("o"));

        Assert.True(code == ExitCodes.Ok, error);
        Assert.False(File.Exists(Path.Combine(dir.File("o"), "spikes.csv")));
        Assert.True(File.Exists(Path.Combine(dir.File("o"), "rates.csv")));
    }

    [Theory]
    [InlineData("../escaped")]
    [InlineData("a\\u0000b")]
    [InlineData("..")]
    public void Simulate_ScenarioNameEscapingTheOutputDirectory_ExitsTwoNamingTheFieldAndWritesNothing(string name)
    {
        using var dir = new TempDirectory();
        string scenario = dir.File("s.toml");
        File.WriteAllText(scenario, $"name = \"{name}\"\nduration_ms = 5\n[[population]]\nname = \"p\"\ntype = \"izhikevich2007\"\ncount = 1\n");
        string outDir = dir.File("out");

        var (code, _, error) = CliRunner.Run("simulate", scenario, "--out", outDir);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("'name'", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
        Assert.Equal(["s.toml"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }
}
