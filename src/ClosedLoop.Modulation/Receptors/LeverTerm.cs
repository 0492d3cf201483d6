using ClosedLoop.Modulation.Configuration;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Modulation.Receptors;

/// <summary>
/// One lever as an affine function of the two occupancies: lever = Base + Alpha2 o2 + Alpha1 o1, in the lever's
/// unit (<see cref="Core.Levers.LeverInfo.Unit"/> in <see cref="Core.Levers.LeverSchema"/>: multipliers, mV, pA). The lever's
/// legal range is not checked here (the coefficients only have to be finite and below 1e4 in size):
/// <see cref="LeverMap"/> checks the resulting lever against <see cref="Core.Levers.LeverInfo.Min"/> and
/// <see cref="Core.Levers.LeverInfo.Max"/>.
/// </summary>
/// <param name="Base">Value with no receptor occupied.</param>
/// <param name="Alpha2">Change at full alpha-2 occupancy.</param>
/// <param name="Alpha1">Change at full alpha-1 occupancy.</param>
public readonly record struct LeverTerm(double Base, double Alpha2, double Alpha1)
{
    /// <summary>Value at occupancies <paramref name="o2"/>, <paramref name="o1"/>.</summary>
    public double Evaluate(double o2, double o1) => Base + Alpha2 * o2 + Alpha1 * o1;

    /// <summary>A lever that ignores noradrenaline.</summary>
    public static LeverTerm Constant(double value) => new(value, 0.0, 0.0);

    /// <summary>Throws <see cref="ConfigException"/> for a non-finite or absurdly large coefficient.</summary>
    public void Validate(string prefix)
    {
        OptionCheck.InRange(prefix + ".base", Base, -1e4, 1e4);
        OptionCheck.InRange(prefix + ".alpha2", Alpha2, -1e4, 1e4);
        OptionCheck.InRange(prefix + ".alpha1", Alpha1, -1e4, 1e4);
    }
}
