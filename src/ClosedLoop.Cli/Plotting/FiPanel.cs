using ClosedLoop.Circuit.Analysis;
using ClosedLoop.Core.Levers;

namespace ClosedLoop.Cli.Plotting;

/// <summary>One panel of the f-I figure: the curves of one lever at several values.</summary>
/// <param name="Lever">The lever swept.</param>
/// <param name="Curves">One curve per lever value, in the order given.</param>
public sealed record FiPanel(Lever Lever, IReadOnlyList<(double Value, FiCurveResult Curve)> Curves)
{
    /// <summary>The lever's name (<see cref="LeverSchema"/>), for titles, CSV rows and console lines.</summary>
    public string Name => LeverSchema.Name(Lever);

    /// <summary>Unit of the lever values, for the legend ("pA", "x"; "" for a dimensionless lever).</summary>
    public string Unit => LeverSchema.Get(Lever).Unit is var unit && unit != "1" ? unit : "";
}
