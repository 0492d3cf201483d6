using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Population.LowRank;

/// <summary>
/// A rank-R recurrent network of rate units with noradrenaline acting through one of four mechanisms
/// (<see cref="NeMechanism"/>), as a loop model (<see cref="IModel"/>). Noradrenaline arrives as the receptor state
/// the loop's receptor map computes (<see cref="IReceptorDriven"/>), not through the L5 levers, which it ignores.
/// </summary>
/// <remarks>
/// <para>Mastrogiuseppe and Ostojic (2018), Neuron, "Linking connectivity, dynamics, and computations in low-rank
/// recurrent neural networks"; the noradrenaline mechanisms as in docs/low-rank.md. The step is
/// <see cref="LowRankKernel.Step{T}"/> in float (the trainer runs the same kernel in double).</para>
/// <para>Readout: the first min(R, 8) latents kappa_k = (1/N) n_k . s, the mean observation over units
/// (alias <c>pyramidal_rate_hz</c>, in the units of the data the model was fitted to) and the normalised
/// noradrenaline level in force.</para>
/// </remarks>
public sealed class LowRankRnnModel : IModel, IReceptorDriven
{
    /// <summary>Most latents the readout reports.</summary>
    public const int MaxReadoutLatents = 8;

    private readonly LowRankWeights<float> _w;
    private readonly float[] _x0;
    private readonly float[] _x;
    private readonly float[] _y;
    private readonly float[] _scratch;
    private readonly RampedLevers _levers = new();
    private readonly int _latents;
    private readonly ReceptorDrive _initialDrive;
    private ReceptorDrive _drive;
    private float _input;
    private float _alpha;
    private float _z1, _z2;
    private bool _latentsFresh;
    private double _timeMs;
    private ModelReadout _readout;

    /// <summary>A model of <paramref name="weights"/> (converted to float), features from <paramref name="basis"/>,
    /// starting from <paramref name="initialState"/> (zeros when null).</summary>
    public LowRankRnnModel(LowRankWeights<double> weights, NeBasis basis, ReadOnlySpan<double> initialState = default, ReceptorDrive initialDrive = default)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Weights = weights;
        Basis = basis;
        _w = weights.Convert<float>();
        int n = weights.Units;
        _x0 = new float[n];
        if (!initialState.IsEmpty)
        {
            if (initialState.Length != n)
            {
                throw new ArgumentException($"initial state has {initialState.Length} values; the network has {n} units", nameof(initialState));
            }
            for (int i = 0; i < n; i++)
            {
                _x0[i] = (float)initialState[i];
            }
        }
        _x = new float[n];
        _y = new float[n];
        _scratch = new float[LowRankKernel.ScratchLength(weights.Rank)];
        _latents = Math.Min(weights.Rank, MaxReadoutLatents);
        var channels = new List<ReadoutChannel>();
        for (int k = 0; k < _latents; k++)
        {
            channels.Add(new ReadoutChannel($"kappa_{k + 1}", "1", $"latent {k + 1}: (1/N) n_{k + 1} . s"));
        }
        channels.Add(new ReadoutChannel("mean_rate", "1", "mean observation over units (data units of the fit)", ReadoutNames.PyramidalRateHz));
        channels.Add(new ReadoutChannel("ne_level", "1", "normalised noradrenaline level in force, 0..1"));
        ReadoutSchema = new ReadoutSchema([.. channels]);
        _initialDrive = initialDrive;
        _drive = initialDrive;
        _readout = ModelReadout.Empty(ReadoutSchema.Count);
    }

    /// <summary>The parameters (double, as fitted or planted).</summary>
    public LowRankWeights<double> Weights { get; }

    /// <summary>How the features z1, z2 come from the receptor state.</summary>
    public NeBasis Basis { get; }

    /// <inheritdoc/>
    public string Name => "low-rank-rnn";

    /// <inheritdoc/>
    public double DtMs { get; private set; } = double.NaN;

    /// <inheritdoc/>
    public ReadoutSchema ReadoutSchema { get; }

    /// <inheritdoc/>
    /// <remarks>None: noradrenaline reaches this model as receptor state (<see cref="SetReceptors"/>).</remarks>
    public LeverMask HonouredLevers => LeverMask.None;

    /// <inheritdoc/>
    public LeverSet CurrentLevers => _levers.Current;

    /// <inheritdoc/>
    public double LeverRampMs
    {
        get => _levers.TauMs;
        set => _levers.TauMs = value;
    }

    /// <inheritdoc/>
    public ModelReadout Readout => _readout;

    /// <summary>The state x (float, as the loop steps it).</summary>
    public ReadOnlySpan<float> State => _x;

    /// <summary>The receptor state in force.</summary>
    public ReceptorDrive Drive => _drive;

    /// <inheritdoc/>
    /// <remarks>Also resets the receptor state to the one the model was built with.</remarks>
    public void Prepare(double dtMs)
    {
        if (!(dtMs > 0) || !double.IsFinite(dtMs))
        {
            throw new ArgumentOutOfRangeException(nameof(dtMs), dtMs, "dt must be a positive number of ms");
        }
        DtMs = dtMs;
        _alpha = (float)(dtMs / Weights.TauMs);
        _x0.CopyTo(_x, 0);
        _drive = _initialDrive; // the receptor state is state too: a re-prepared model (after the loop's warm-up) starts as new
        _latentsFresh = false;
        _timeMs = 0;
        _levers.Prepare(dtMs);
        _readout = ModelReadout.Empty(ReadoutSchema.Count);
    }

    /// <inheritdoc/>
    public void SetLevers(in LeverSet levers) => _levers.SetTarget(levers);

    /// <inheritdoc/>
    public void SetInput(float value) => _input = value;

    /// <inheritdoc/>
    public void SetReceptors(in ReceptorDrive drive) => _drive = drive;

    /// <inheritdoc/>
    public void Step()
    {
        _levers.Step();
        var (z1, z2) = LowRankKernel.Features(Basis, _drive.Level, _drive.Alpha2, _drive.Alpha1);
        if (!_latentsFresh || z1 != _z1 || z2 != _z2)
        {
            LowRankKernel.Latents(_w, _x, z1, z2, _scratch);
        }
        // Same arithmetic as LowRankKernel.Step; the latents of the new state (needed for the readout) serve the next step.
        LowRankKernel.Update(_w, _x, z1, z2, _input, _alpha, _scratch);
        _timeMs += DtMs;
        LowRankKernel.Latents(_w, _x, z1, z2, _scratch, _y);
        _z1 = z1;
        _z2 = z2;
        _latentsFresh = true;
        float sum = 0f;
        foreach (float v in _y)
        {
            sum += v;
        }
        _readout.TimeMs = _timeMs;
        for (int k = 0; k < _latents; k++)
        {
            _readout.Values[k] = _scratch[k];
        }
        _readout.Values[_latents] = sum / _y.Length;
        _readout.Values[_latents + 1] = _drive.Level;
    }
}
