using CoreLevers = ClosedLoop.Core.Levers;
using Wire = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Contracts.Mapping;

/// <summary>
/// Maps <see cref="CoreLevers.LeverSet"/> to and from <see cref="Wire.LeverSet"/> field by field (no validation: see
/// <see cref="CoreLevers.LeverSet.TryValidate"/>). The proto declares one field per <see cref="CoreLevers.Lever"/>, named
/// as in <see cref="CoreLevers.LeverSchema"/>, numbered <c>(int)lever + 1</c> (tested lever by lever against the schema).
/// </summary>
public static class LeverMapper
{
    public static Wire.LeverSet ToWire(in CoreLevers.LeverSet l) => new()
    {
        Coupling = l.Coupling,
        DendriticDrive = l.DendriticDrive,
        SomaticDrive = l.SomaticDrive,
        ThresholdShift = l.ThresholdShift,
        RestingShift = l.RestingShift,
        AmpaGain = l.AmpaGain,
        NmdaGain = l.NmdaGain,
        GabaGain = l.GabaGain,
        SynapticTimeScale = l.SynapticTimeScale,
        SomStrength = l.SomStrength,
        PvStrength = l.PvStrength,
    };

    /// <summary>
    /// <paramref name="baseline"/> with the fields present in <paramref name="w"/> replaced (proto3 explicit presence):
    /// a partial update changes only what it sends.
    /// </summary>
    public static CoreLevers.LeverSet Merge(in CoreLevers.LeverSet baseline, Wire.LeverSet w)
    {
        ArgumentNullException.ThrowIfNull(w);
        var l = baseline;
        if (w.HasCoupling) l.Coupling = w.Coupling;
        if (w.HasDendriticDrive) l.DendriticDrive = w.DendriticDrive;
        if (w.HasSomaticDrive) l.SomaticDrive = w.SomaticDrive;
        if (w.HasThresholdShift) l.ThresholdShift = w.ThresholdShift;
        if (w.HasRestingShift) l.RestingShift = w.RestingShift;
        if (w.HasAmpaGain) l.AmpaGain = w.AmpaGain;
        if (w.HasNmdaGain) l.NmdaGain = w.NmdaGain;
        if (w.HasGabaGain) l.GabaGain = w.GabaGain;
        if (w.HasSynapticTimeScale) l.SynapticTimeScale = w.SynapticTimeScale;
        if (w.HasSomStrength) l.SomStrength = w.SomStrength;
        if (w.HasPvStrength) l.PvStrength = w.PvStrength;
        return l;
    }

    /// <summary>Every field of <paramref name="w"/> (an absent one reads as 0); see <see cref="Merge"/> for partial updates.</summary>
    public static CoreLevers.LeverSet FromWire(Wire.LeverSet w)
    {
        ArgumentNullException.ThrowIfNull(w);
        return new CoreLevers.LeverSet
        {
            Coupling = w.Coupling,
            DendriticDrive = w.DendriticDrive,
            SomaticDrive = w.SomaticDrive,
            ThresholdShift = w.ThresholdShift,
            RestingShift = w.RestingShift,
            AmpaGain = w.AmpaGain,
            NmdaGain = w.NmdaGain,
            GabaGain = w.GabaGain,
            SynapticTimeScale = w.SynapticTimeScale,
            SomStrength = w.SomStrength,
            PvStrength = w.PvStrength,
        };
    }
}
