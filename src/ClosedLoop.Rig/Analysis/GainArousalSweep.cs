using ClosedLoop.Circuit.Analysis;
using ClosedLoop.Core.Levers;
using ClosedLoop.Modulation.Receptors;

namespace ClosedLoop.Rig.Analysis;

/// <summary>
/// Network gain over arousal as a user sees it: each arousal goes through the receptor map <c>closedloop run</c>
/// uses (<see cref="LeverMap"/>, the rig config's [receptors] and [levers]) to a lever set, and the default
/// microcircuit's gain (pyramidal rate change per somatic current step) and burst fraction are measured under it
/// on several seeds (<see cref="NetworkGain"/>).
/// </summary>
public static class GainArousalSweep
{
    /// <summary>Measure every arousal of <paramref name="arousals"/> (each in [0, 1]).</summary>
    public static GainArousalResult Run(LeverMapOptions map, IReadOnlyList<double> arousals, NetworkGainProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(arousals);
        ArgumentNullException.ThrowIfNull(protocol);
        if (arousals.Count == 0 || arousals.Any(a => !(a >= 0 && a <= 1)))
        {
            throw new ArgumentException("arousal values must be in [0, 1], at least one", nameof(arousals));
        }
        var leverMap = new LeverMap(map);
        var sets = arousals.Select(a => (a, leverMap.Evaluate(a))).ToArray();
        var points = NetworkGain.Measure(protocol, sets);
        var rows = new GainArousalRow[arousals.Count];
        for (int k = 0; k < rows.Length; k++)
        {
            var mine = points.Skip(k * protocol.Seeds.Count).Take(protocol.Seeds.Count).ToArray();
            var gain = NetworkGain.MeanSd(mine.Select(p => p.GainHzPerNa));
            var burst = NetworkGain.MeanSd(mine.Select(p => p.BurstFraction));
            var rate = NetworkGain.MeanSd(mine.Select(p => p.BaseRateHz));
            rows[k] = new GainArousalRow(arousals[k], sets[k].Item2, gain.Mean, gain.Sd, burst.Mean, burst.Sd, rate.Mean, rate.Sd,
                mine.Average(p => p.SomRateHz), mine.Average(p => p.PvRateHz));
        }
        return new GainArousalResult(rows, points);
    }
}

/// <summary>One arousal: levers and mean +- sample sd over seeds.</summary>
/// <param name="Arousal">Arousal, 0..1.</param>
/// <param name="Levers">The levers the map gives there.</param>
/// <param name="GainMean">Mean gain, Hz per nA.</param>
/// <param name="GainSd">Sample sd of the gain over seeds.</param>
/// <param name="BurstMean">Mean burst fraction (no step).</param>
/// <param name="BurstSd">Its sample sd.</param>
/// <param name="RateMean">Mean pyramidal rate without the step, Hz.</param>
/// <param name="RateSd">Its sample sd.</param>
/// <param name="SomRateHz">Mean SOM rate, Hz.</param>
/// <param name="PvRateHz">Mean PV rate, Hz.</param>
public readonly record struct GainArousalRow(
    double Arousal, LeverSet Levers, double GainMean, double GainSd, double BurstMean, double BurstSd,
    double RateMean, double RateSd, double SomRateHz, double PvRateHz);

/// <summary>The sweep: one row per arousal, and every (arousal, seed) point.</summary>
/// <param name="Rows">Per arousal, in the order asked.</param>
/// <param name="Points">Per arousal then seed.</param>
public sealed record GainArousalResult(IReadOnlyList<GainArousalRow> Rows, IReadOnlyList<NetworkGainPoint> Points);
