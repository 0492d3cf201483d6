using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Runtime.Readout;

/// <summary>
/// Maps a <see cref="ModelReadout"/> to requested channel values (before the governor). Each channel's source
/// is resolved by name against the model's <see cref="ReadoutSchema"/> once, here; the step only indexes.
/// Allocation-free per step.
/// </summary>
public sealed class OutputMapper
{
    /// <summary>Source index of a constant channel.</summary>
    private const int Constant = -1;

    private readonly ChannelKind[] _kind;
    private readonly int[] _source;
    private readonly float[] _scale, _offset, _min, _max, _threshold;

    /// <summary>Precompute the per-channel maps of <paramref name="channels"/> against <paramref name="schema"/>.</summary>
    /// <exception cref="ConfigException">A channel names a source the model does not report.</exception>
    public OutputMapper(IReadOnlyList<OutputChannelConfig> channels, ReadoutSchema schema)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(schema);
        int n = channels.Count;
        _kind = new ChannelKind[n];
        _source = new int[n];
        _scale = new float[n];
        _offset = new float[n];
        _min = new float[n];
        _max = new float[n];
        _threshold = new float[n];
        for (int i = 0; i < n; i++)
        {
            var c = channels[i];
            _kind[i] = c.Kind;
            _source[i] = Resolve(c.Source, schema, i);
            _scale[i] = (float)c.Scale;
            _offset[i] = (float)c.Offset;
            _min[i] = (float)c.MapMin;
            _max[i] = (float)c.MapMax;
            _threshold[i] = (float)c.OnThreshold;
        }
    }

    /// <summary>Number of channels.</summary>
    public int ChannelCount => _kind.Length;

    /// <summary>
    /// Index into the readout of the value called <paramref name="source"/>: its name or alias in
    /// <paramref name="schema"/> (dashes read as underscores), or that name with <c>_hz</c> appended (configs
    /// written before readout schemas said <c>pyramidal-rate</c>); -1 for <see cref="OutputChannelConfig.ConstantSource"/>.
    /// </summary>
    /// <exception cref="ConfigException">No such value.</exception>
    public static int Resolve(string source, ReadoutSchema schema, int channel)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (source == OutputChannelConfig.ConstantSource)
        {
            return Constant;
        }
        string name = (source ?? "").Replace('-', '_'); // configs may spell names kebab-case, as enum values
        if (name.Length > 0 && (schema.TryFind(name, out int index) || schema.TryFind(name + "_hz", out index)))
        {
            return index;
        }
        ConfigException.Throw($"channels[{channel}].source",
            $"'{source}' is not a readout of this model; it reports {schema}, or use '{OutputChannelConfig.ConstantSource}'");
        return Constant;
    }

    /// <summary>Write the requested value of every channel into <paramref name="frame"/> (NaN sources stay NaN for the governor to catch).</summary>
    public void Map(in ModelReadout readout, ref OutputFrame frame)
    {
        frame.ChannelCount = _kind.Length;
        for (int i = 0; i < _kind.Length; i++)
        {
            int s = _source[i];
            float x = s == Constant ? 0f : readout.Values[s];
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
