using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Ingest.Synthetic;

/// <summary>
/// Deterministic generator of a two-eye pupil signal: an Ornstein-Uhlenbeck arousal fluctuation plus a slow
/// sinusoidal sweep, mapped linearly onto diameter, with measurement noise and blinks (confidence drops to
/// 0.05 and the diameter collapses, as a pupil detector reports during a blink). Samples carry
/// <see cref="ArousalSourceKind.Pupil"/>: they are pupil data, only their origin is synthetic.
/// </summary>
/// <remarks>
/// The OU process is updated exactly: x(t+h) = m + (x - m) e^{-h/tau} + sd sqrt(1 - e^{-2h/tau}) N(0,1).
/// Same seed, same samples.
/// </remarks>
public sealed class SyntheticPupilGenerator
{
    private readonly SyntheticPupilOptions _options;
    private readonly Random _random;
    private readonly double _h;
    private readonly double _decay;
    private readonly double _kick;
    private double _ou;
    private long _index;
    private double _blinkUntil = -1;

    public SyntheticPupilGenerator(SyntheticPupilOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _random = new Random(options.Seed);
        _h = 1.0 / options.SampleRateHz;
        _decay = Math.Exp(-_h / options.ArousalTauSeconds);
        _kick = options.ArousalSd * Math.Sqrt(1 - _decay * _decay);
    }

    /// <summary>The true arousal (0..1) behind the last generated frame.</summary>
    public double TrueArousal { get; private set; }

    /// <summary>Whether the last generated frame was inside a blink.</summary>
    public bool InBlink { get; private set; }

    /// <summary>Source time of the next frame, s.</summary>
    public double NextTimeSeconds => _index * _h;

    /// <summary>Generate the next frame: one sample per eye, written to <paramref name="eye0"/> and <paramref name="eye1"/>.</summary>
    public void Next(long arrivalTicks, out ArousalSample eye0, out ArousalSample eye1)
    {
        double t = _index * _h;
        _ou = _ou * _decay + _kick * Gaussian();
        double sweep = _options.SweepAmplitude * Math.Sin(2 * Math.PI * t / _options.SweepPeriodSeconds);
        double arousal = Math.Clamp(_options.MeanArousal + sweep + _ou, 0, 1);
        TrueArousal = arousal;

        if (t >= _blinkUntil && _random.NextDouble() < _options.BlinkRatePerSecond * _h)
        {
            _blinkUntil = t + _options.BlinkSeconds;
        }
        InBlink = t < _blinkUntil;

        double d = _options.MinDiameterMm + (_options.MaxDiameterMm - _options.MinDiameterMm) * arousal;
        ulong seq = (ulong)_index;
        eye0 = Make(d, 0, t, arrivalTicks, seq);
        eye1 = Make(d * 1.02, 1, t, arrivalTicks, seq);
        _index++;
    }

    private ArousalSample Make(double diameter, byte eye, double t, long arrival, ulong seq)
    {
        double value = InBlink ? 0.2 * diameter * _random.NextDouble() : diameter + _options.NoiseMm * Gaussian();
        float confidence = InBlink ? 0.05f : (float)(0.9 + 0.1 * _random.NextDouble());
        return new ArousalSample(value, confidence, eye, ArousalSourceKind.Pupil, t, arrival, seq);
    }

    private double Gaussian()
    {
        // Box-Muller; the generator runs on an ingest thread, not in the real-time loop.
        double u1 = 1.0 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
