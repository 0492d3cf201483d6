using ClosedLoop.Core.Ingest;
using ClosedLoop.Modulation.Conditioning;

namespace ClosedLoop.Modulation.Conditioning;

/// <summary>
/// One conditioner per kind of signal, chosen by each sample's <see cref="ArousalSample.Kind"/>: pupil
/// diameters, photometry, or direct arousal. Staleness is polled on the conditioner that produced the newest
/// estimate, so a rig whose active source stops goes stale even while another kind could still arrive. Which
/// kind's estimate reaches the loop when several arrive is set by <see cref="ArbitrationOptions"/>: the newest
/// (default), or by priority, where a kind is held back while a kind ranked above it is live.
/// </summary>
public sealed class RoutingConditioner : IArousalConditioner
{
    private readonly IArousalConditioner? _pupil;
    private readonly IArousalConditioner? _photometry;
    private readonly IArousalConditioner? _direct;
    private readonly bool _priority;
    private readonly int[] _rank = [-1, -1, -1]; // per ArbitratedSignal; -1 = not listed
    private readonly long[] _lastGood = [long.MinValue, long.MinValue, long.MinValue];
    private readonly long _fallbackTicks;
    private IArousalConditioner? _active;

    public RoutingConditioner(IArousalConditioner? pupil, IArousalConditioner? photometry, IArousalConditioner? direct, ArbitrationOptions? arbitration = null)
    {
        _pupil = pupil;
        _photometry = photometry;
        _direct = direct;
        arbitration ??= new ArbitrationOptions();
        arbitration.Validate();
        _priority = arbitration.Mode == ArbitrationMode.Priority;
        for (int i = 0; i < arbitration.Order.Length; i++)
        {
            _rank[(int)arbitration.Order[i]] = i;
        }
        _fallbackTicks = Core.Time.MonoClock.FromSeconds(arbitration.FallbackAfterMs / 1000.0);
    }

    /// <summary>Priority mode: estimates held back because a kind ranked above was live.</summary>
    public long HeldBack { get; private set; }

    /// <summary>Priority mode: samples of kinds not listed in the order (never reach the loop).</summary>
    public long Unlisted { get; private set; }

    /// <inheritdoc/>
    public bool TryProcess(in ArousalSample sample, out ArousalEstimate estimate)
    {
        var target = sample.Kind switch
        {
            ArousalSourceKind.Pupil => _pupil,
            ArousalSourceKind.Photometry => _photometry,
            ArousalSourceKind.External => _direct,
            _ => null,
        };
        int signal = sample.Kind switch
        {
            ArousalSourceKind.Pupil => (int)ArbitratedSignal.Pupil,
            ArousalSourceKind.Photometry => (int)ArbitratedSignal.Photometry,
            _ => (int)ArbitratedSignal.External,
        };
        if (_priority && target is not null && _rank[signal] < 0)
        {
            Unlisted++;
            estimate = default;
            return false;
        }
        if (target is null || !target.TryProcess(sample, out estimate))
        {
            estimate = default;
            return false;
        }
        if (_priority)
        {
            const SampleQuality NotGood = SampleQuality.Stale | SampleQuality.LowConfidence | SampleQuality.Invalid;
            if ((estimate.Quality & NotGood) == 0)
            {
                _lastGood[signal] = sample.ArrivalTicks;
            }
            for (int other = 0; other < _rank.Length; other++)
            {
                if (_rank[other] >= 0 && _rank[other] < _rank[signal] && _lastGood[other] != long.MinValue
                    && sample.ArrivalTicks - _lastGood[other] <= _fallbackTicks)
                {
                    HeldBack++;
                    estimate = default;
                    return false;
                }
            }
        }
        _active = target;
        return true;
    }

    /// <inheritdoc/>
    public bool Poll(long nowTicks, out ArousalEstimate estimate)
    {
        if (_active is null)
        {
            estimate = default;
            return false;
        }
        return _active.Poll(nowTicks, out estimate);
    }

    /// <inheritdoc/>
    public void Reset()
    {
        _pupil?.Reset();
        _photometry?.Reset();
        _direct?.Reset();
        _active = null;
        Array.Fill(_lastGood, long.MinValue);
    }
}
