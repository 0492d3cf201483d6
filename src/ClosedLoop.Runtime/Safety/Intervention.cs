using ClosedLoop.Core.Safety;

namespace ClosedLoop.Runtime.Safety;

/// <summary>One recorded governor intervention (blittable, for the intervention ring).</summary>
public struct Intervention
{
    /// <summary>Loop step index.</summary>
    public long Step;

    /// <summary>Step's "now", monotonic ticks.</summary>
    public long Ticks;

    /// <summary>Single reason bit.</summary>
    public GovernorReason Reason;

    /// <summary>Channel index, or -1 for a whole-frame intervention (watchdog, e-stop, start-up).</summary>
    public int Channel;

    /// <summary>Value the readout asked for (channel unit; NaN for whole-frame interventions).</summary>
    public float Requested;

    /// <summary>Value the governor let out (channel unit; NaN for whole-frame interventions).</summary>
    public float Applied;
}
