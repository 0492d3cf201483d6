using ClosedLoop.Modulation.Configuration;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Modulation.Conditioning;

/// <summary>
/// Configuration of <see cref="PupilConditioner"/>. Times in ms or s as named, diameters in mm. Defaults suit
/// Pupil Core 3D diameters at 120 to 200 Hz per eye. <see cref="Validate"/> throws
/// <see cref="Core.Configuration.ConfigException"/> naming the field, its value and the expected range.
/// </summary>
public sealed record PupilConditionerOptions
{
    /// <summary>Samples with confidence below this are not valid (a gap starts). 0..1, default 0.6 (Pupil Labs' own advice).</summary>
    public double ConfidenceThreshold { get; init; } = 0.6;

    /// <summary>Smallest plausible diameter, mm (default 1.0). Smaller values are invalid (a lid covering the pupil, a 0 from the tracker).</summary>
    public double MinDiameterMm { get; init; } = 1.0;

    /// <summary>Largest plausible diameter, mm (default 10).</summary>
    public double MaxDiameterMm { get; init; } = 10.0;

    /// <summary>
    /// Largest plausible diameter velocity, mm/s (default 10). Faster changes relative to the eye's last valid sample
    /// are blink artefacts (lid edge) and start a gap. Human light-reflex constriction peaks near 5 mm/s
    /// (Ellis 1981, "The pupillary light reflex in normal subjects"). Set to infinity to disable.
    /// </summary>
    public double MaxVelocityMmPerS { get; init; } = 10.0;

    /// <summary>Allowance added to the velocity limit per step, mm (default 0.15): tracker noise between consecutive samples
    /// is not a velocity. A step is an artefact when |d - d_last| &gt; MaxVelocityMmPerS * dt + MaxStepNoiseMm.</summary>
    public double MaxStepNoiseMm { get; init; } = 0.15;

    /// <summary>Longest gap (blink) that is bridged by holding the eye's last valid diameter, ms (default 500). Longer gaps drop the eye.</summary>
    public double MaxBridgeMs { get; init; } = 500.0;

    /// <summary>After a gap, valid-looking samples during this long are still treated as part of the gap, ms (default 50):
    /// the lid is still opening and the tracker's diameter is biased. 0 disables the guard.</summary>
    public double PostGapGuardMs { get; init; } = 50.0;

    /// <summary>An eye that sent no valid sample for longer than this (but less than the bridge limit) contributes a held value flagged Bridged, ms (default 50).</summary>
    public double EyeHoldFlagMs { get; init; } = 50.0;

    /// <summary>No valid sample from any eye for longer than this makes the estimate <c>Stale</c>, ms (default 1000). Must be at least <see cref="MaxBridgeMs"/>.</summary>
    public double StaleAfterMs { get; init; } = 1000.0;

    /// <summary>Time constant of the running baseline mean, s (default 30).</summary>
    public double BaselineTauSeconds { get; init; } = 30.0;

    /// <summary>Time constant of the running baseline variance, s (default 60).</summary>
    public double VarianceTauSeconds { get; init; } = 60.0;

    /// <summary>Initial baseline standard deviation, mm (default 0.2: a typical resting pupil's slow fluctuation).</summary>
    public double InitialSdMm { get; init; } = 0.2;

    /// <summary>Floor on the baseline standard deviation, mm (default 0.05), so a perfectly still pupil does not blow up z.</summary>
    public double SdFloorMm { get; init; } = 0.05;

    /// <summary>Winsorisation of baseline updates in standard deviations (default 4; infinity = off).</summary>
    public double BaselineClampSd { get; init; } = 4.0;

    /// <summary>How the deviation from the baseline is scaled (default <see cref="BaselineMode.RunningSd"/>).</summary>
    public BaselineMode Mode { get; init; } = BaselineMode.RunningSd;

    /// <summary>Scale for <see cref="BaselineMode.FixedScale"/>, mm per z unit (default 0.3).</summary>
    public double FixedScaleMm { get; init; } = 0.3;

    /// <summary>Time constant of the between-eye offset used for the one-eye fallback, s (default 10).</summary>
    public double EyeOffsetTauSeconds { get; init; } = 10.0;

    /// <summary>z to arousal (default midpoint 0, scale 1: the baseline maps to 0.5, +1 sd to 0.73).</summary>
    public ArousalLogistic Logistic { get; init; } = ArousalLogistic.Default;

    /// <summary>A source time that jumps back by more than this (the tracker restarted its clock) resets the conditioner
    /// (counted in ClockResets) instead of rejecting every later sample; smaller backward steps are rejected, s (default 5).</summary>
    public double ClockResetSeconds { get; init; } = 5.0;

    /// <summary>Arousal reported before any valid sample (flagged Stale), 0..1 (default 0.5).</summary>
    public double NoDataArousal { get; init; } = 0.5;

    /// <summary>Defaults.</summary>
    public static PupilConditionerOptions Default { get; } = new();

    /// <summary>Throws <see cref="Core.Configuration.ConfigException"/> for the first field out of range.</summary>
    public void Validate()
    {
        OptionCheck.InRange("pupil.confidence_threshold", ConfidenceThreshold, 0.0, 1.0);
        OptionCheck.InRange("pupil.min_diameter_mm", MinDiameterMm, 0.0, 20.0);
        OptionCheck.InRange("pupil.max_diameter_mm", MaxDiameterMm, 0.0, 20.0);
        OptionCheck.Ordered("pupil.min_diameter_mm", MinDiameterMm, "pupil.max_diameter_mm", MaxDiameterMm);
        if (!(MaxVelocityMmPerS > 0.0))
        {
            OptionCheck.Fail("pupil.max_velocity_mm_per_s", MaxVelocityMmPerS, "> 0 (infinity disables the check)");
        }
        OptionCheck.InRange("pupil.max_step_noise_mm", MaxStepNoiseMm, 0.0, 10.0);
        OptionCheck.InRange("pupil.max_bridge_ms", MaxBridgeMs, 0.0, 10_000.0);
        OptionCheck.InRange("pupil.post_gap_guard_ms", PostGapGuardMs, 0.0, 10_000.0);
        OptionCheck.InRange("pupil.eye_hold_flag_ms", EyeHoldFlagMs, 0.0, 10_000.0);
        OptionCheck.AboveAtMost("pupil.stale_after_ms", StaleAfterMs, 0.0, 600_000.0);
        if (StaleAfterMs < MaxBridgeMs)
        {
            OptionCheck.Fail("pupil.stale_after_ms", StaleAfterMs, $">= pupil.max_bridge_ms ({MaxBridgeMs})");
        }
        OptionCheck.AboveAtMost("pupil.baseline_tau_s", BaselineTauSeconds, 0.0, 3600.0);
        OptionCheck.AboveAtMost("pupil.variance_tau_s", VarianceTauSeconds, 0.0, 3600.0);
        OptionCheck.AboveAtMost("pupil.initial_sd_mm", InitialSdMm, 0.0, 10.0);
        OptionCheck.AboveAtMost("pupil.sd_floor_mm", SdFloorMm, 0.0, 10.0);
        if (!(BaselineClampSd > 0.0))
        {
            OptionCheck.Fail("pupil.baseline_clamp_sd", BaselineClampSd, "> 0 (infinity disables winsorisation)");
        }
        if (!Enum.IsDefined(Mode))
        {
            OptionCheck.Fail("pupil.mode", (int)Mode, "RunningSd or FixedScale");
        }
        OptionCheck.AboveAtMost("pupil.fixed_scale_mm", FixedScaleMm, 0.0, 10.0);
        OptionCheck.AboveAtMost("pupil.eye_offset_tau_s", EyeOffsetTauSeconds, 0.0, 3600.0);
        Logistic.Validate("pupil.logistic");
        OptionCheck.AboveAtMost("pupil.clock_reset_s", ClockResetSeconds, 0.0, 1e9);
        OptionCheck.InRange("pupil.no_data_arousal", NoDataArousal, 0.0, 1.0);
    }
}
