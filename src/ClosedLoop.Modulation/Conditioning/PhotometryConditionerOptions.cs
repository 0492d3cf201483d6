using ClosedLoop.Modulation.Configuration;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Modulation.Conditioning;

/// <summary>
/// Configuration of <see cref="PhotometryConditioner"/>. Signal on channel 0, isosbestic control on channel 1,
/// values in volts (any linear unit works). <see cref="Validate"/> throws <see cref="Core.Configuration.ConfigException"/>.
/// </summary>
public sealed record PhotometryConditionerOptions
{
    /// <summary>Cut-off of the causal one-pole low-pass applied to both channels, Hz (default 10; tau = 1 / (2 pi fc)).</summary>
    public double LowPassHz { get; init; } = 10.0;

    /// <summary>Use the isosbestic channel when present (default true). Without it, F0 is the running baseline.</summary>
    public bool UseIsosbestic { get; init; } = true;

    /// <summary>The isosbestic channel counts as present while its newest sample is at most this old, ms (default 200).</summary>
    public double IsosbesticTimeoutMs { get; init; } = 200.0;

    /// <summary>Memory of the isosbestic regression, s (default 60): forgetting factor lambda = exp(-dt / tau) per update.</summary>
    public double RegressionTauSeconds { get; init; } = 60.0;

    /// <summary>Initial RLS covariance (times identity), default 100 (weak prior: a few samples dominate).</summary>
    public double RegressionInitialCovariance { get; init; } = 100.0;

    /// <summary>Cap on trace(P) of the RLS (wind-up guard), default 1e6.</summary>
    public double RegressionCovarianceCap { get; init; } = 1e6;

    /// <summary>
    /// Robust regression: residuals beyond RobustClipK running residual scales are clipped before the fit update, so
    /// transients (the thing to measure) barely pull F0 (default 3; infinity = plain RLS, whose F0 absorbs the mean
    /// of the transients over its memory, which biases dF/F downwards by that mean).
    /// </summary>
    public double RobustClipK { get; init; } = 3.0;

    /// <summary>Time constant of the running residual scale (EMA of the clipped |residual|), s (default 5). The scale
    /// starts at 10 % of the first signal value, so the first seconds fit unclipped.</summary>
    public double RobustScaleTauSeconds { get; init; } = 5.0;

    /// <summary>Floor on the residual scale relative to |F0| (default 1e-4), so a noise-free input does not clip the fit to nothing.</summary>
    public double RobustScaleFloorRelative { get; init; } = 1e-4;

    /// <summary>Running baseline time constant while the signal rises above it, s (default 60). Slow up, faster down
    /// tracks the lower envelope, like a low percentile, so transients do not lift F0 much.</summary>
    public double BaselineRiseTauSeconds { get; init; } = 60.0;

    /// <summary>Running baseline time constant while the signal is below it, s (default 10).</summary>
    public double BaselineFallTauSeconds { get; init; } = 10.0;

    /// <summary>Estimates during the first seconds of signal are flagged LowConfidence while the fit settles, s (default 20:
    /// early on the RLS behaves like a cumulative mean and the residual scale is still wide, so transients bias F0).</summary>
    public double WarmupSeconds { get; init; } = 20.0;

    /// <summary>|F0| below this is not a usable baseline (the sample is counted and arousal held), signal units (default 1e-6).</summary>
    public double MinBaseline { get; init; } = 1e-6;

    /// <summary>No valid signal sample for longer than this makes the estimate Stale, ms (default 1000).</summary>
    public double StaleAfterMs { get; init; } = 1000.0;

    /// <summary>dF/F to arousal (default midpoint 0, scale 0.03: +3 % dF/F maps to 0.73).</summary>
    public ArousalLogistic Logistic { get; init; } = new(0.0, 0.03);

    /// <summary>A source time that jumps back by more than this (the board or decoder restarted) resets the conditioner
    /// (counted in ClockResets); smaller backward steps are rejected, s (default 5).</summary>
    public double ClockResetSeconds { get; init; } = 5.0;

    /// <summary>Arousal reported before any valid sample (flagged Stale), 0..1 (default 0.5).</summary>
    public double NoDataArousal { get; init; } = 0.5;

    /// <summary>Defaults.</summary>
    public static PhotometryConditionerOptions Default { get; } = new();

    /// <summary>Throws <see cref="Core.Configuration.ConfigException"/> for the first field out of range.</summary>
    public void Validate()
    {
        OptionCheck.AboveAtMost("photometry.low_pass_hz", LowPassHz, 0.0, 100_000.0);
        OptionCheck.InRange("photometry.isosbestic_timeout_ms", IsosbesticTimeoutMs, 0.0, 60_000.0);
        OptionCheck.AboveAtMost("photometry.regression_tau_s", RegressionTauSeconds, 0.0, 86_400.0);
        OptionCheck.AboveAtMost("photometry.regression_initial_covariance", RegressionInitialCovariance, 0.0, 1e12);
        OptionCheck.AboveAtMost("photometry.regression_covariance_cap", RegressionCovarianceCap, 0.0, 1e15);
        OptionCheck.Ordered("photometry.regression_initial_covariance", RegressionInitialCovariance * 0.5,
            "photometry.regression_covariance_cap", RegressionCovarianceCap);
        if (!(RobustClipK > 0.0))
        {
            OptionCheck.Fail("photometry.robust_clip_k", RobustClipK, "> 0 (infinity disables clipping)");
        }
        OptionCheck.AboveAtMost("photometry.robust_scale_tau_s", RobustScaleTauSeconds, 0.0, 86_400.0);
        OptionCheck.InRange("photometry.robust_scale_floor_relative", RobustScaleFloorRelative, 0.0, 1.0);
        OptionCheck.AboveAtMost("photometry.baseline_rise_tau_s", BaselineRiseTauSeconds, 0.0, 86_400.0);
        OptionCheck.AboveAtMost("photometry.baseline_fall_tau_s", BaselineFallTauSeconds, 0.0, 86_400.0);
        OptionCheck.InRange("photometry.warmup_s", WarmupSeconds, 0.0, 3600.0);
        OptionCheck.AboveAtMost("photometry.min_baseline", MinBaseline, 0.0, 1e6);
        OptionCheck.AboveAtMost("photometry.stale_after_ms", StaleAfterMs, 0.0, 600_000.0);
        Logistic.Validate("photometry.logistic");
        OptionCheck.AboveAtMost("photometry.clock_reset_s", ClockResetSeconds, 0.0, 1e9);
        OptionCheck.InRange("photometry.no_data_arousal", NoDataArousal, 0.0, 1.0);
    }
}
