using ClosedLoop.Core.Levers;
using ClosedLoop.Modulation.Configuration;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Modulation.Receptors;

/// <summary>
/// The direct (not tabulated) arousal -> <see cref="LeverSet"/> map: arousal -> noradrenaline -> occupancies ->
/// affine lever terms, each clamped to its legal range (<see cref="LeverSchema"/>: coupling 0..1, gains 0..10, time
/// scale 0.1..10, drives and shifts -1e4..1e4).
/// Construction checks that, on a 1025-point grid over arousal, no lever needs that clamp: a map that would leave
/// a lever's range is a configuration error, reported with the lever, the arousal and the value.
/// </summary>
public sealed class LeverMap
{
    private const int ValidationPoints = 1025;
    private readonly LeverTerm[] _terms;

    /// <summary>Creates the map; validates <paramref name="options"/> (default <see cref="LeverMapOptions.Default"/>).</summary>
    public LeverMap(LeverMapOptions? options = null)
    {
        Options = options ?? LeverMapOptions.Default;
        Options.Validate();
        Receptors = new ReceptorMap(Options.Receptors);
        _terms = Options.TermsInFieldOrder();
        CheckRanges();
    }

    /// <summary>The options in use.</summary>
    public LeverMapOptions Options { get; }

    /// <summary>The receptor stage.</summary>
    public ReceptorMap Receptors { get; }

    /// <summary>Levers at <paramref name="arousal"/> (clamped to [0, 1]).</summary>
    public LeverSet Evaluate(double arousal) => Evaluate(Receptors.Evaluate(arousal));

    /// <summary>Levers for given occupancies.</summary>
    public LeverSet Evaluate(in ReceptorState receptors)
    {
        LeverSet levers = default;
        foreach (var info in LeverSchema.All)
        {
            double v = _terms[(int)info.Lever].Evaluate(receptors.Alpha2, receptors.Alpha1);
            levers[info.Lever] = (float)Math.Clamp(v, info.Min, info.Max);
        }
        return levers;
    }

    /// <summary>
    /// A dimensionless circuit-gain proxy, 1 at <see cref="LeverSet.Neutral"/>: Coupling / SomStrength. It encodes
    /// the paper's two gain findings (Rodriguez-Garcia et al. 2025: coupling raises gain, SOM inhibition lowers it); the
    /// circuit's measured f-I slope (the "gain" readout of <see cref="Core.Models.IModel"/>) is the real thing.
    /// </summary>
    public static double GainProxy(in LeverSet levers) => levers.Coupling / Math.Max(levers.SomStrength, 1e-6);

    private void CheckRanges()
    {
        for (int k = 0; k < ValidationPoints; k++)
        {
            double a = k / (double)(ValidationPoints - 1);
            var r = Receptors.Evaluate(a);
            foreach (var info in LeverSchema.All)
            {
                double v = _terms[(int)info.Lever].Evaluate(r.Alpha2, r.Alpha1);
                if (v < info.Min || v > info.Max)
                {
                    throw new ConfigException("levers." + info.Name,
                        $"{v:G6} at arousal {a:G4} (o2 {r.Alpha2:G4}, o1 {r.Alpha1:G4})", $"the lever to stay within {info.RangeText}");
                }
            }
        }
    }
}
