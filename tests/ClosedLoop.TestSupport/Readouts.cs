using ClosedLoop.Core.Models;

namespace ClosedLoop.TestSupport;

/// <summary>Readouts for tests.</summary>
public static class Readouts
{
    /// <summary>A readout in the microcircuit's (= the legacy) schema order.</summary>
    public static ModelReadout Legacy(double timeMs, float pyramidalHz, float somHz, float pvHz, float burstFraction, float gain, int spikes)
    {
        var r = new ModelReadout { TimeMs = timeMs, Count = 6 };
        r.Values[0] = pyramidalHz;
        r.Values[1] = somHz;
        r.Values[2] = pvHz;
        r.Values[3] = burstFraction;
        r.Values[4] = gain;
        r.Values[5] = spikes;
        return r;
    }
}
