using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Modulation.Tests.Conditioning;

/// <summary>Synthetic Pupil Core-like samples: both (or one) eyes at a fixed rate, diameter and confidence from functions of time.</summary>
internal static class PupilTrace
{
    /// <summary>Samples eye 0 then eye 1 at each tick t = k / rateHz (same timestamp for both eyes, as Pupil Core's binocular cameras are close to synchronous).</summary>
    public static ArousalSample[] Generate(double seconds, double rateHz, Func<int, double, double> diameterMm,
        Func<int, double, float> confidence, int eyes = 2)
    {
        int ticks = (int)Math.Round(seconds * rateHz);
        var samples = new List<ArousalSample>(ticks * eyes);
        ulong seq = 0;
        for (int k = 0; k < ticks; k++)
        {
            double t = k / rateHz;
            for (int eye = 0; eye < eyes; eye++)
            {
                samples.Add(new ArousalSample(diameterMm(eye, t), confidence(eye, t), (byte)eye, ArousalSourceKind.Pupil,
                    t, ArrivalTicks(t), seq++));
            }
        }
        return samples.ToArray();
    }

    /// <summary>Arrival ticks used by the traces: the source time in MonoClock ticks (arrival = source time, no latency).</summary>
    public static long ArrivalTicks(double t) => Core.Time.MonoClock.FromSeconds(t);

    /// <summary>Runs every sample through <paramref name="conditioner"/> and returns the estimates (one per sample that produced one).</summary>
    public static List<ArousalEstimate> Run(Modulation.Conditioning.IArousalConditioner conditioner, IEnumerable<ArousalSample> samples)
    {
        var result = new List<ArousalEstimate>();
        foreach (var s in samples)
        {
            if (conditioner.TryProcess(in s, out var e))
            {
                result.Add(e);
            }
        }
        return result;
    }
}
