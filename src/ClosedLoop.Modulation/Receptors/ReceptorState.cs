namespace ClosedLoop.Modulation.Receptors;

/// <summary>Noradrenaline level and receptor occupancies at one arousal value.</summary>
/// <param name="NoradrenalineNm">Concentration c, nM.</param>
/// <param name="Alpha2">alpha-2 occupancy, 0..1.</param>
/// <param name="Alpha1">alpha-1 occupancy, 0..1.</param>
public readonly record struct ReceptorState(double NoradrenalineNm, double Alpha2, double Alpha1);
