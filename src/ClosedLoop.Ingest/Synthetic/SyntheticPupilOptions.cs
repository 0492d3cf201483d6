using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Ingest.Synthetic;

/// <summary>Parameters of the synthetic pupil source (the default source of `closedloop run`).</summary>
public sealed record SyntheticPupilOptions
{
    /// <summary>Eye-camera frame rate, Hz (default 120, as Pupil Core's 120 Hz mode).</summary>
    public double SampleRateHz { get; init; } = 120;

    /// <summary>Smallest pupil diameter at arousal 0, mm (default 2.5).</summary>
    public double MinDiameterMm { get; init; } = 2.5;

    /// <summary>Largest pupil diameter at arousal 1, mm (default 6.0).</summary>
    public double MaxDiameterMm { get; init; } = 6.0;

    /// <summary>Mean arousal of the slow fluctuation, 0..1 (default 0.5).</summary>
    public double MeanArousal { get; init; } = 0.5;

    /// <summary>Time constant of the Ornstein-Uhlenbeck arousal fluctuation, s (default 8).</summary>
    public double ArousalTauSeconds { get; init; } = 8;

    /// <summary>Stationary standard deviation of the arousal fluctuation (default 0.15).</summary>
    public double ArousalSd { get; init; } = 0.15;

    /// <summary>Amplitude of a slow sinusoidal arousal sweep added on top, 0..0.5 (default 0.25).</summary>
    public double SweepAmplitude { get; init; } = 0.25;

    /// <summary>Period of the sweep, s (default 60).</summary>
    public double SweepPeriodSeconds { get; init; } = 60;

    /// <summary>Measurement noise on the diameter, mm (default 0.03).</summary>
    public double NoiseMm { get; init; } = 0.03;

    /// <summary>Mean blink rate, per second (default 0.25).</summary>
    public double BlinkRatePerSecond { get; init; } = 0.25;

    /// <summary>Blink duration, s (default 0.15).</summary>
    public double BlinkSeconds { get; init; } = 0.15;

    /// <summary>Random seed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Pace samples on the wall clock (true, default) or emit them as fast as the sink takes them.</summary>
    public bool RealTime { get; init; } = true;

    /// <summary>Stop after this many samples per eye (0 = run until cancelled).</summary>
    public long MaxSamples { get; init; }

    /// <summary>Throws <see cref="Core.Configuration.ConfigException"/> naming the first out-of-range field.</summary>
    public void Validate()
    {
        static void Check(bool ok, string field, double value, string expected)
        {
            if (!ok)
            {
                throw new Core.Configuration.ConfigException($"source.synthetic.{field}", $"{value}; expected {expected}");
            }
        }

        Check(SampleRateHz is > 0 and <= 10_000, "sample_rate_hz", SampleRateHz, "0 < rate <= 10000");
        Check(MinDiameterMm > 0 && MaxDiameterMm > MinDiameterMm && MaxDiameterMm < 12, "max_diameter_mm", MaxDiameterMm, "min_diameter_mm < max < 12 mm, min > 0");
        Check(MeanArousal is >= 0 and <= 1, "mean_arousal", MeanArousal, "0..1");
        Check(ArousalTauSeconds > 0, "arousal_tau_seconds", ArousalTauSeconds, "> 0");
        Check(ArousalSd is >= 0 and <= 1, "arousal_sd", ArousalSd, "0..1");
        Check(SweepAmplitude is >= 0 and <= 0.5, "sweep_amplitude", SweepAmplitude, "0..0.5");
        Check(SweepPeriodSeconds > 0, "sweep_period_seconds", SweepPeriodSeconds, "> 0");
        Check(NoiseMm >= 0, "noise_mm", NoiseMm, ">= 0");
        Check(BlinkRatePerSecond >= 0, "blink_rate_per_second", BlinkRatePerSecond, ">= 0");
        Check(BlinkSeconds >= 0, "blink_seconds", BlinkSeconds, ">= 0");
        Check(MaxSamples >= 0, "max_samples", MaxSamples, ">= 0");
    }
}
