using ClosedLoop.Core.Configuration;
using Xunit;

namespace ClosedLoop.Configuration.Tests;

public class ConfigBinderTests
{
    public enum Shape
    {
        Round,
        NeuralMass,
    }

    public sealed record Inner
    {
        public double Max { get; init; } = 1;
        public IReadOnlyList<double> Points { get; init; } = [0.5];
    }

    public sealed record Options
    {
        public int Count { get; init; } = 3;
        public double RateHz { get; init; } = 10;
        public float Gain { get; init; } = 0.1f;
        public bool Enabled { get; init; } = true;
        public string Name { get; init; } = "x";
        public string? Path { get; init; }
        public Shape Shape { get; init; } = Shape.Round;
        public Inner Limits { get; init; } = new();
        public double Computed => RateHz * 2;
    }

    [Theory]
    [InlineData("Alpha2KNm", "alpha2_k_nm")]
    [InlineData("CMinNm", "c_min_nm")]
    [InlineData("MaxSlewPerSecond", "max_slew_per_second")]
    [InlineData("StepRateHz", "step_rate_hz")]
    public void SnakeCase_MatchesDocumentedKeys(string property, string key)
        => Assert.Equal(key, ConfigBinder.SnakeCase(property));

    [Fact]
    public void Bind_SetsKeysOnACopyAndKeepsTheRest()
    {
        var doc = TomlDocument.Parse("[o]\ncount = 5\nshape = \"neural-mass\"\nlimits = { max = 2, points = [1, 2.5] }\n");
        var o = ConfigBinder.Bind(doc.GetTable("o"), new Options());
        Assert.Equal(5, o.Count);
        Assert.Equal(Shape.NeuralMass, o.Shape);
        Assert.Equal(2, o.Limits.Max);
        Assert.Equal([1, 2.5], o.Limits.Points);
        Assert.Equal("x", o.Name);
    }

    [Theory]
    [InlineData("[o]\ncomputed = 1\n", "o.computed", "unknown key; expected one of: count, enabled")]
    [InlineData("[o]\ncount = 1.5\n", "o.count", "1.5 (a number); expected an integer")]
    [InlineData("[o]\nshape = \"square\"\n", "o.shape", "\"square\" (a string); expected one of: round, neural-mass")]
    [InlineData("[o]\nlimits = { points = [1, \"a\"] }\n", "o.limits.points[1]", "expected a number")]
    [InlineData("[o]\nlimits = 3\n", "o.limits", "expected a Inner table")]
    public void Bind_BadValue_NamesTheField(string toml, string field, string problem)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigBinder.Bind(TomlDocument.Parse(toml).GetTable("o"), new Options()));
        Assert.Equal(field, ex.Field);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TomlWriter_WritesEveryKey_ThatBindsBackToAnEqualRecord()
    {
        var o = new Options
        {
            Count = -7,
            RateHz = double.PositiveInfinity,
            Gain = 1e-7f,
            Name = "a \"quoted\" \\ name",
            Path = "p",
            Shape = Shape.NeuralMass,
            Limits = new Inner { Max = 0.1 + 0.2, Points = [double.NaN, -0.0, 1e300] },
        };
        string toml = new TomlWriter().Table("o", o).ToString();
        var back = ConfigBinder.Bind(TomlDocument.Parse(toml).GetTable("o"), new Options());

        Assert.Equal(o with { Limits = back.Limits }, back);
        Assert.Equal(o.Limits.Max, back.Limits.Max);
        Assert.Equal(o.Limits.Points, back.Limits.Points);
        Assert.Contains("[o.limits]", toml, StringComparison.Ordinal);
        Assert.DoesNotContain("computed", toml, StringComparison.Ordinal);
    }
}
