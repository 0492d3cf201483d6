using ClosedLoop.Core.Ingest;
using ClosedLoop.Modulation.Conditioning;

namespace ClosedLoop.Modulation.Conditioning;

/// <summary>
/// One conditioner per kind of signal, chosen by each sample's <see cref="ArousalSample.Kind"/>: pupil
/// diameters, photometry, or direct arousal. Staleness is polled on the conditioner that produced the newest
/// estimate, so a rig whose active source stops goes stale even while another kind could still arrive.
/// </summary>
public sealed class RoutingConditioner : IArousalConditioner
{
    private readonly IArousalConditioner? _pupil;
    private readonly IArousalConditioner? _photometry;
    private readonly IArousalConditioner? _direct;
    private IArousalConditioner? _active;

    public RoutingConditioner(IArousalConditioner? pupil, IArousalConditioner? photometry, IArousalConditioner? direct)
    {
        _pupil = pupil;
        _photometry = photometry;
        _direct = direct;
    }

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
        if (target is null || !target.TryProcess(sample, out estimate))
        {
            estimate = default;
            return false;
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
    }
}
