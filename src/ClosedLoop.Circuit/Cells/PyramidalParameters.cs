namespace ClosedLoop.Circuit.Cells;

/// <summary>
/// Two-compartment layer-5 pyramidal cell (Whyte et al., "A burst-dependent thalamocortical substrate for perceptual awareness"; Rodriguez-Garcia et al. 2025).
/// Soma: Izhikevich 2007 form. Apical dendrite:
/// C_d v_d' = -l_d (v_d - E_L) + k_d F(v_d) + g_c p_d BAP(t) + u_d + I_d ; u_d' = a_d (b_d (v_d - E_L) - u_d).
/// Units as <see cref="Izhikevich2007Parameters"/>.
/// </summary>
public sealed record PyramidalParameters
{
    /// <summary>Somatic parameters with the regular reset (c -65, d 250).</summary>
    public Izhikevich2007Parameters Soma { get; init; } = new(150, 2.5, -75, -45, 50, 0.01, 5, -65, 250);

    /// <summary>Burst reset c, mV, used while the dendrite is in a calcium spike (default -55).</summary>
    public double BurstC { get; init; } = -55;

    /// <summary>Burst reset d, pA (default 150).</summary>
    public double BurstD { get; init; } = 150;

    /// <summary>Dendritic capacitance C_d, pF (170).</summary>
    public double CD { get; init; } = 170;

    /// <summary>Dendritic leak reversal E_L, mV (-70).</summary>
    public double EL { get; init; } = -70;

    /// <summary>Calcium current scale k_d, pA (1200).</summary>
    public double KD { get; init; } = 1200;

    /// <summary>Back-propagating pulse amplitude p_d, pA (2600).</summary>
    public double PD { get; init; } = 2600;

    /// <summary>Dendritic leak conductance l_d, nS (170/7).</summary>
    public double LD { get; init; } = 170.0 / 7.0;

    /// <summary>Dendritic recovery rate a_d, 1/ms (1/30).</summary>
    public double AD { get; init; } = 1.0 / 30.0;

    /// <summary>Dendritic recovery coupling b_d, nS (-13).</summary>
    public double BD { get; init; } = -13;

    /// <summary>Half-activation E_d of the calcium sigmoid, mV (-38).</summary>
    public double ED { get; init; } = -38;

    /// <summary>Slope D_d of the calcium sigmoid, mV (6).</summary>
    public double DD { get; init; } = 6;

    /// <summary>A calcium spike lasts while v_d is at or above this, mV (-30).</summary>
    public double CalciumSpikeThreshold { get; init; } = -30;

    /// <summary>BAP window start after a somatic spike, ms (0.5).</summary>
    public double BapStartMs { get; init; } = 0.5;

    /// <summary>BAP window end after a somatic spike, ms (2.5).</summary>
    public double BapEndMs { get; init; } = 2.5;

    /// <summary>
    /// Dendro-somatic conductance G_ds, nS (default 0: the published cell, where the dendrite reaches the soma only
    /// through the burst reset). When positive, the soma receives g_c G_ds F(v_d) (v_d - v) every step (g_c = the
    /// coupling lever, F = the calcium sigmoid): a path gated by the dendritic calcium nonlinearity, so it is nearly
    /// closed at rest (F(-70) = 0.005) and open during a calcium spike (F(-20) = 0.95). A calcium spike then drives
    /// the soma to fire again while the plateau lasts, and a BAP coinciding with sub-threshold dendritic input yields
    /// a burst (Larkum, Zhu and Sakmann 1999, Nature: BAC firing). One way only: the soma-to-dendrite path stays the
    /// BAP. 0 leaves the arithmetic exactly as published.
    /// </summary>
    public double DendroSomaticNs { get; init; }

    /// <summary>
    /// Somatic adaptation step Δg_a, nS added to the adaptation conductance g_a at every somatic spike (default 0:
    /// off, and the term is not evaluated). When positive the soma carries g_a (E_a - v) in its semi-implicit update
    /// (g_a joins g_tot, g_a E_a joins g_tot E_tot) and g_a decays as g_a &lt;- g_a exp(-dt / tau_a) each step.
    /// Published L5 cell (Whyte et al., "A burst-dependent thalamocortical substrate for perceptual awareness"): 0.065 nS.
    /// </summary>
    public double AdaptationStepNs { get; init; }

    /// <summary>Decay time constant tau_a of the somatic adaptation conductance, ms (published 2000 ms).</summary>
    public double AdaptationTauMs { get; init; } = 2000;

    /// <summary>Reversal potential E_a of the somatic adaptation conductance, mV (published -80 mV).</summary>
    public double AdaptationReversalMv { get; init; } = -80;

    /// <summary>
    /// Cap on the effective somatic NMDA conductance, nS (default 0: no cap, and the min is not evaluated). When
    /// positive, the soma's NMDA conductance is gain min(B(v) g_N, cap) (B = Mg block, gain = the NMDA lever), on the
    /// summed recurrent and external somatic NMDA conductance; the stored g_N is not clipped and the dendrite is not
    /// capped. Published L5 model (Whyte et al., "A burst-dependent thalamocortical substrate for perceptual awareness"): 85 nS, applied to the Mg-gated conductance.
    /// </summary>
    public double SomaticNmdaCapNs { get; init; }

    /// <summary>The published cell.</summary>
    public static PyramidalParameters Default { get; } = new();
}
