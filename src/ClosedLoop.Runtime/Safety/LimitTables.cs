using ClosedLoop.Core.Outputs;

namespace ClosedLoop.Runtime.Safety;

/// <summary>Per-channel limits flattened into arrays once (derived constants for the governor's hot path).</summary>
internal sealed class LimitTables
{
    public LimitTables(RuntimeConfig config)
    {
        int n = config.Channels.Count;
        Count = n;
        Min = new float[n];
        Max = new float[n];
        Safe = new float[n];
        SlewPerStep = new float[n];
        Previous = new float[n];
        for (int i = 0; i < n; i++)
        {
            var l = config.Channels[i].Limits!;
            Min[i] = (float)l.Min;
            Max[i] = (float)l.Max;
            Safe[i] = (float)l.SafeLevel;
            SlewPerStep[i] = (float)(l.MaxSlewPerSecond / config.Loop.StepRateHz);
            Previous[i] = Safe[i];
        }
        var s = config.Stimulators;
        Amp = new int[s.Count];
        Width = new int[s.Count];
        Rate = new int[s.Count];
        MaxChargePc = new float[s.Count];
        MaxDuty = new float[s.Count];
        Phases = new float[s.Count];
        FixedRate = new float[s.Count];
        for (int g = 0; g < s.Count; g++)
        {
            Amp[g] = s[g].AmplitudeChannel;
            Width[g] = s[g].PulseWidthChannel;
            Rate[g] = s[g].PulseRateChannel;
            MaxChargePc[g] = (float)(s[g].MaxChargePerPhaseNc * 1000.0);
            MaxDuty[g] = (float)s[g].MaxDutyCycle;
            Phases[g] = s[g].PhasesPerPulse;
            FixedRate[g] = (float)s[g].FixedPulseRateHz;
        }
    }

    public int Count { get; }
    public float[] Min { get; }
    public float[] Max { get; }
    public float[] Safe { get; }
    public float[] SlewPerStep { get; }

    /// <summary>Values let out in the previous step (the slew limiter's reference).</summary>
    public float[] Previous { get; }

    public int[] Amp { get; }
    public int[] Width { get; }
    public int[] Rate { get; }

    /// <summary>Maximum charge per phase in pC (= uA x us).</summary>
    public float[] MaxChargePc { get; }
    public float[] MaxDuty { get; }
    public float[] Phases { get; }
    public float[] FixedRate { get; }

    public void ForceSafe(ref OutputFrame frame)
    {
        frame.ChannelCount = Count;
        byte mask = 0;
        for (int i = 0; i < Count; i++)
        {
            frame.Values[i] = Safe[i];
            Previous[i] = Safe[i];
            mask |= (byte)(1 << i);
        }
        frame.InterventionMask = mask;
    }
}
