using ClosedLoop.Circuit.Spec;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Circuit.Engine;

/// <summary>
/// The spiking layer-5 microcircuit engine: structure-of-arrays float32 state, one kernel per population,
/// conductance synapses with integer delays, event-driven delivery over CSR projections, STDP and the
/// burst-dependent rule, external drives and smoothly ramped levers. Build it with
/// <see cref="MicrocircuitBuilder.Build"/>. Not thread-safe: one thread steps it.
/// </summary>
public sealed partial class Microcircuit : ISpikingCircuit
{
    /// <summary>Excitatory reversal potential, mV.</summary>
    public const float EExc = 0f;

    /// <summary>Inhibitory (GABA-A) reversal potential, mV.</summary>
    public const float EInh = -75f;

    /// <summary>AMPA decay time constant, ms.</summary>
    public const float TauAmpa = 6f;

    /// <summary>NMDA decay time constant, ms.</summary>
    public const float TauNmda = 100f;

    /// <summary>GABA-A decay time constant, ms.</summary>
    public const float TauGaba = 6f;

    /// <summary>STDP / burst-rule trace time constant, ms.</summary>
    public const float TauTrace = 20f;

    /// <summary>Inter-spike interval below which a spike belongs to a burst, ms (Payeur et al. 2021).</summary>
    public const float BurstIsiMs = 16f;

    private readonly CircuitSpec _spec;
    private readonly int _n;
    private readonly CellGroup[] _groups;
    private readonly PopulationRange[] _ranges;
    private readonly ProjectionData[] _projections;
    private readonly DriveData[] _drives;
    private readonly long _synapseCount;
    private readonly bool _anyPlastic;
    private int _ringLength;

    // State (structure of arrays, one entry per neuron; dendritic arrays unused for point cells).
    private readonly float[] _v, _u, _vd, _ud;

    // Izhikevich 2003 cells integrate in double (their float32 mirror is _v, _u); empty without such cells.
    private readonly double[] _v64, _u64;
    private readonly int[] _sinceSpike;
    private readonly long[] _lastSpikeStep;
    private readonly bool[] _inBurst;
    private readonly float[] _gAmpaS, _gNmdaS, _gGabaS, _gAmpaD, _gNmdaD, _gGabaD;
    private readonly float[] _extSoma, _extDend;
    private readonly float[] _traceAll, _traceEvent;
    private readonly float[] _gAdapt;

    // Conductances of projections with their own tau and reversal, and their per-neuron sums (empty without such projections).
    private readonly SynapseChannel[] _channels;
    private readonly float[] _gChan, _gEChan;

    /// <summary>Spike threshold v_t of every cell (the 2007 kernel reads it per cell; a homogeneous population repeats its own).</summary>
    private readonly float[] _vt;

    // Spikes: this step, and a ring of past steps for delayed delivery.
    private readonly int[] _spiked;
    private int _spikedCount;
    private int[][] _ring = [];
    private int[] _ringCount = [];
    private long _events;

    // Time.
    private double _dt;
    private float _dtF;
    private long _step;

    private Microcircuit(CircuitSpec spec, CellGroup[] groups, ProjectionData[] projections, DriveData[] drives)
    {
        _spec = spec;
        _groups = groups;
        _ranges = groups.Select(g => g.Range).ToArray();
        _n = groups.Length == 0 ? 0 : groups[^1].Range.Offset + groups[^1].Range.Count;
        _projections = projections;
        _drives = drives;
        _synapseCount = projections.Sum(p => (long)p.Targets.Length);
        _anyPlastic = projections.Any(p => p.Spec.Plasticity != PlasticityRule.None);
        _v = new float[_n]; _u = new float[_n]; _vd = new float[_n]; _ud = new float[_n];
        bool any2003 = groups.Any(g => g.Kind == KernelKind.Normalised2003);
        _v64 = any2003 ? new double[_n] : []; _u64 = any2003 ? new double[_n] : [];
        _sinceSpike = new int[_n]; _lastSpikeStep = new long[_n];
        _inBurst = new bool[_n];
        _gAmpaS = new float[_n]; _gNmdaS = new float[_n]; _gGabaS = new float[_n];
        _gAmpaD = new float[_n]; _gNmdaD = new float[_n]; _gGabaD = new float[_n];
        _extSoma = new float[_n]; _extDend = new float[_n];
        _traceAll = new float[_n]; _traceEvent = new float[_n];
        _gAdapt = new float[_n];
        _vt = ThresholdsOf(groups, _n);
        _spiked = new int[_n];
        _channels = SynapseChannel.For(projections.Select(p => p.Spec).ToArray(), _n, out int[] channelOf);
        _gChan = _channels.Length > 0 ? new float[_n] : [];
        _gEChan = _channels.Length > 0 ? new float[_n] : [];
        for (int k = 0; k < projections.Length; k++)
        {
            var p = projections[k];
            p.TargetG = channelOf[k] >= 0 ? _channels[channelOf[k]].G : SelectConductance(p.Spec.Receptor, p.Spec.Target);
        }
        _target = spec.Levers;
        _levers = spec.Levers;
        Prepare(spec.DtMs);
    }

    internal static Microcircuit Create(CircuitSpec spec, CellGroup[] groups, ProjectionData[] projections, DriveData[] drives)
        => new(spec, groups, projections, drives);

    /// <summary>
    /// Per-cell thresholds: v_t of the group, or for a heterogeneous 2007 group the deterministic Lorentzian quantiles
    /// v_t + width tan(pi/2 (2j - n + 1) / (n + 1)), j = 0..n-1 (symmetric about v_t, no random draw).
    /// </summary>
    internal static float[] ThresholdsOf(CellGroup[] groups, int n)
    {
        var vt = new float[n];
        foreach (var g in groups)
        {
            int count = g.Range.Count;
            for (int j = 0; j < count; j++)
            {
                vt[g.Range.Offset + j] = g.ThresholdHalfWidth > 0
                    ? (float)(g.VT + g.ThresholdHalfWidth * Math.Tan(0.5 * Math.PI * (2.0 * j - count + 1) / (count + 1)))
                    : g.VT;
            }
        }
        return vt;
    }

    /// <summary>Spike threshold of cell <paramref name="neuron"/>, mV (2007 cells; other kinds report their group's v_t).</summary>
    public float ThresholdOf(int neuron) => _vt[neuron];

    /// <inheritdoc />
    public string Name => "L5 spiking microcircuit";

    /// <inheritdoc />
    public double DtMs => _dt;

    /// <summary>Simulated time at the end of the last step, ms.</summary>
    public double TimeMs => _step * _dt;

    /// <summary>Steps taken since <see cref="Prepare"/>.</summary>
    public long StepCount => _step;

    /// <inheritdoc />
    public int NeuronCount => _n;

    /// <inheritdoc />
    public long SynapseCount => _synapseCount;

    /// <inheritdoc />
    public IReadOnlyList<PopulationRange> Populations => _ranges;

    /// <inheritdoc />
    public ReadOnlySpan<int> SpikedLastStep => new(_spiked, 0, _spikedCount);

    /// <inheritdoc />
    public long SynapticEventsLastStep => _events;

    /// <summary>The spec this circuit was built from.</summary>
    public CircuitSpec Spec => _spec;

    /// <inheritdoc />
    public int GetProjectionSynapseCount(int projection) => _projections[projection].Targets.Length;

    /// <inheritdoc />
    public float GetWeight(int projection, int synapse) => _projections[projection].Weights[synapse];

    /// <summary>Source and target (global indices) of a synapse.</summary>
    public (int Source, int Target) GetSynapse(int projection, int synapse)
        => (_projections[projection].Sources[synapse], _projections[projection].Targets[synapse]);

    /// <inheritdoc />
    public float GetState(StateVariable variable, int neuron)
    {
        if ((uint)neuron >= (uint)_n) return float.NaN;
        bool pyr = GroupOf(neuron).Kind == KernelKind.Pyramidal;
        return variable switch
        {
            StateVariable.V => _v[neuron],
            StateVariable.U => _u[neuron],
            StateVariable.VDendrite => pyr ? _vd[neuron] : float.NaN,
            StateVariable.UDendrite => pyr ? _ud[neuron] : float.NaN,
            StateVariable.GSoma => _gAmpaS[neuron] + _gNmdaS[neuron] + _gGabaS[neuron] + ChannelConductance(neuron),
            StateVariable.GNmdaSoma => _gNmdaS[neuron],
            StateVariable.GAdaptation => pyr ? _gAdapt[neuron] : float.NaN,
            _ => float.NaN,
        };
    }

    private CellGroup GroupOf(int neuron)
    {
        foreach (var g in _groups)
        {
            if (neuron < g.Range.Offset + g.Range.Count) return g;
        }
        return _groups[^1];
    }

    private float[] SelectConductance(Receptor receptor, Compartment compartment) => (receptor, compartment) switch
    {
        (Receptor.Ampa, Compartment.Soma) => _gAmpaS,
        (Receptor.Nmda, Compartment.Soma) => _gNmdaS,
        (Receptor.GabaA, Compartment.Soma) => _gGabaS,
        (Receptor.Ampa, Compartment.Dendrite) => _gAmpaD,
        (Receptor.Nmda, Compartment.Dendrite) => _gNmdaD,
        _ => _gGabaD,
    };
}
