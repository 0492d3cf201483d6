using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;

namespace ClosedLoop.Runtime.Readout;

/// <summary>Maps a <see cref="CircuitReadout"/> to requested channel values (before the governor). Allocation-free.</summary>
public sealed class OutputMapper
{
    private readonly ChannelKind[] _kind;
    private readonly ReadoutSource[] _source;
    private readonly float[] _scale, _offset, _min, _max, _threshold;

    /// <summary>Precompute the per-channel maps of <paramref name="channels"/>.</summary>
    public OutputMapper(IReadOnlyList<OutputChannelConfig> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        int n = channels.Count;
        _kind = new ChannelKind[n];
        _source = new ReadoutSource[n];
        _scale = new float[n];
        _offset = new float[n];
        _min = new float[n];
        _max = new float[n];
        _threshold = new float[n];
        for (int i = 0; i < n; i++)
        {
            var c = channels[i];
            _kind[i] = c.Kind;
            _source[i] = c.Source;
            _scale[i] = (float)c.Scale;
            _offset[i] = (float)c.Offset;
            _min[i] = (float)c.MapMin;
            _max[i] = (float)c.MapMax;
            _threshold[i] = (float)c.OnThreshold;
        }
    }

    /// <summary>Number of channels.</summary>
    public int ChannelCount => _kind.Length;

    /// <summary>Write the requested value of every channel into <paramref name="frame"/> (NaN sources stay NaN for the governor to catch).</summary>
    public void Map(in CircuitReadout readout, ref OutputFrame frame)
    {
        frame.ChannelCount = _kind.Length;
        for (int i = 0; i < _kind.Length; i++)
        {
            float x = _source[i] switch
            {
                ReadoutSource.PyramidalRate => readout.PyramidalRateHz,
                ReadoutSource.SomRate => readout.SomRateHz,
                ReadoutSource.PvRate => readout.PvRateHz,
                ReadoutSource.BurstFraction => readout.BurstFraction,
                ReadoutSource.Gain => readout.Gain,
                _ => 0f,
            };
            float y = _offset[i] + _scale[i] * x;
            if (_kind[i] == ChannelKind.OnOff)
            {
                y = float.IsNaN(y) ? y : y >= _threshold[i] ? 1f : 0f;
            }
            else if (!float.IsNaN(y))
            {
                y = Math.Clamp(y, _min[i], _max[i]);
            }
            frame.Values[i] = y;
        }
    }
}
