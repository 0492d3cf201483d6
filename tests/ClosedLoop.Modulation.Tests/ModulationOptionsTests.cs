using ClosedLoop.Core.Configuration;
using ClosedLoop.Modulation.Configuration;
using ClosedLoop.Modulation.Receptors;
using Xunit;

namespace ClosedLoop.Modulation.Tests;

public sealed class ModulationOptionsTests
{
    [Fact]
    public void Validate_Defaults_PassAndBuildTable()
    {
        ModulationOptions.Default.Validate();
        var table = ModulationOptions.Default.BuildLeverTable();
        Assert.Equal(1025, table.Points);
    }

    [Fact]
    public void Validate_NestedBadField_ThrowsWithItsDottedName()
    {
        var options = ModulationOptions.Default with
        {
            Levers = LeverMapOptions.Default with { Receptors = ReceptorMapOptions.Default with { Alpha1Hill = 9 } },
        };
        var ex = Assert.Throws<ConfigException>(options.Validate);
        Assert.Equal("receptors.alpha1_hill", ex.Field);
        Assert.StartsWith("9;", ex.Problem, StringComparison.Ordinal);
        Assert.EndsWith("; expected > 0 and <= 8", ex.Problem, StringComparison.Ordinal);
    }
}
