using ClosedLoop.Circuit.Analysis;
using ClosedLoop.Core.Levers;

namespace ClosedLoop.Cli.Plotting;

/// <summary>One panel of the f-I figure: the curves of one lever at several values.</summary>
/// <param name="Lever">Lever name as in <see cref="LeverSet.Names"/>.</param>
/// <param name="Unit">Unit of the lever values, for the legend ("pA", "x").</param>
/// <param name="Curves">One curve per lever value, in the order given.</param>
public sealed record FiPanel(string Lever, string Unit, IReadOnlyList<(double Value, FiCurveResult Curve)> Curves);
