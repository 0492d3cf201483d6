using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Circuit.Engine;

public sealed partial class Microcircuit
{
    /// <summary>P_bar of the burst-dependent rule (Payeur et al. 2021 use a running estimate; fixed here).</summary>
    public const float BurstRulePBar = 0.15f;

    private readonly int[] _classSpikes = new int[3];
    private readonly int[] _classCounts = new int[3];
    private long[] _burstStartStep = [];
    private int _burstSpikes, _pyrEvents;
    private float _rateE, _rateSom, _ratePv, _spikesSm, _burstSm, _eventsSm;
    private CircuitActivity _activity;
    private ModelReadout _readout;

    /// <inheritdoc />
    /// <remarks>
    /// Rates: spikes per cell per second, smoothed with an exponential window of CircuitSpec.RateWindowMs.
    /// Pyramidal = L5 pyramidal and Izhikevich populations. BurstFraction: smoothed count of pyramidal spikes
    /// with an ISI under 16 ms to a neighbour (a burst's first spike is counted when the second arrives)
    /// over smoothed pyramidal spikes. Gain: pyramidal spikes per event (event = isolated spike or burst),
    /// smoothed; 1 when no cell bursts; rises as calcium bursts multiply the output per input event.
    /// </remarks>
    public CircuitActivity Activity => _activity;

    /// <inheritdoc />
    /// <remarks>The values of <see cref="Activity"/> in <see cref="CircuitActivity.Schema"/> order.</remarks>
    public ModelReadout Readout => _readout;

    /// <inheritdoc />
    public ReadoutSchema ReadoutSchema => CircuitActivity.Schema;

    /// <inheritdoc />
    /// <remarks>The L5 circuit is what the levers were defined on: it honours every one.</remarks>
    public LeverMask HonouredLevers => LeverMask.All;

    private void ResetReadout()
    {
        Array.Clear(_classSpikes);
        Array.Clear(_classCounts);
        if (_burstStartStep.Length != _n) _burstStartStep = new long[_n];
        Array.Fill(_burstStartStep, -1L);
        foreach (var g in _groups) _classCounts[g.ReadoutClass] += g.Range.Count;
        _burstSpikes = _pyrEvents = 0;
        _rateE = _rateSom = _ratePv = _spikesSm = _burstSm = _eventsSm = 0f;
        _activity = new CircuitActivity(0, 0, 0, 0, 0, 1, 0);
        _activity.WriteTo(ref _readout);
    }

    private void UpdateReadout()
    {
        float a = _rateAlpha, toHz = 1000f / _dtF;
        _rateE += a * (Rate(0, toHz) - _rateE);
        _rateSom += a * (Rate(1, toHz) - _rateSom);
        _ratePv += a * (Rate(2, toHz) - _ratePv);
        _spikesSm += a * (_classSpikes[0] - _spikesSm);
        _burstSm += a * (_burstSpikes - _burstSm);
        _eventsSm += a * (_pyrEvents - _eventsSm);
        float burstFraction = _spikesSm > 1e-9f ? Math.Clamp(_burstSm / _spikesSm, 0f, 1f) : 0f;
        float gain = _eventsSm > 1e-9f ? MathF.Max(1f, _spikesSm / _eventsSm) : 1f;
        _activity = new CircuitActivity((_step + 1) * _dt, _rateE, _rateSom, _ratePv, burstFraction, gain, _spikedCount);
        _activity.WriteTo(ref _readout);
        _classSpikes[0] = _classSpikes[1] = _classSpikes[2] = 0;
        _burstSpikes = _pyrEvents = 0;
    }

    private float Rate(int cls, float toHz) => _classCounts[cls] == 0 ? 0f : _classSpikes[cls] * toHz / _classCounts[cls];
}
