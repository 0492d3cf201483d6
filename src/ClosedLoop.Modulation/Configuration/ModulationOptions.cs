using ClosedLoop.Modulation.Conditioning;
using ClosedLoop.Modulation.Photometry;
using ClosedLoop.Modulation.Receptors;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Modulation.Configuration;

/// <summary>
/// All modulation configuration in one record (the <c>[modulation]</c> section a composition root loads): conditioning
/// per source kind, the receptor and lever maps and the lever table (a pyPhotometry board's frame format follows from
/// its acquisition settings, <see cref="PyPhotometryAcquisition"/>, rig <c>[source.py_photometry]</c>). Every member has
/// documented defaults; <see cref="Validate"/> checks them all and throws <see cref="Core.Configuration.ConfigException"/>.
/// </summary>
public sealed record ModulationOptions
{
    /// <summary>Pupil conditioning.</summary>
    public PupilConditionerOptions Pupil { get; init; } = PupilConditionerOptions.Default;

    /// <summary>Photometry conditioning.</summary>
    public PhotometryConditionerOptions Photometry { get; init; } = PhotometryConditionerOptions.Default;

    /// <summary>Arousal -> noradrenaline -> occupancies -> levers.</summary>
    public LeverMapOptions Levers { get; init; } = LeverMapOptions.Default;

    /// <summary>Lever table resolution and NaN policy.</summary>
    public LeverTableOptions LeverTable { get; init; } = LeverTableOptions.Default;

    /// <summary>Defaults.</summary>
    public static ModulationOptions Default { get; } = new();

    /// <summary>Validates every section (the lever map including its range check over arousal).</summary>
    public void Validate()
    {
        Pupil.Validate();
        Photometry.Validate();
        _ = new LeverMap(Levers);
        LeverTable.Validate();
    }

    /// <summary>Builds the lever table for these options (allocates; call at start).</summary>
    public LeverTable BuildLeverTable() => new(new LeverMap(Levers), LeverTable);
}
