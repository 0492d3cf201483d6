using System.Runtime.CompilerServices;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Modulation.Receptors;

/// <summary>
/// The arousal -> <see cref="LeverSet"/> map precomputed on an even grid over [0, 1] at start; <see cref="Lookup(float, out LeverLookupStatus)"/>
/// interpolates linearly between the two neighbouring grid points. Safe for the real-time thread: no allocation,
/// no lock, immutable after construction (any number of readers).
/// </summary>
/// <remarks>
/// The interpolation error is measured at construction against the direct map at 7 interior points of every
/// interval (<see cref="MaxInterpolationError"/>, per lever, in the lever's unit). For a smooth map it is about
/// h^2 max|f''| / 8 with h = 1 / (Points - 1).
/// </remarks>
public sealed class LeverTable
{
    private const int ProbesPerInterval = 8;
    private readonly float[] _data;
    private readonly int _points;
    private readonly float _nanArousal;

    /// <summary>Tabulates <paramref name="map"/> (default <see cref="LeverTableOptions.Default"/>: 1025 points).</summary>
    public LeverTable(LeverMap map, LeverTableOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        Options = options ?? LeverTableOptions.Default;
        Options.Validate();
        Map = map;
        _points = Options.Points;
        _nanArousal = (float)Options.NaNArousal;
        _data = new float[_points * LeverSet.Count];
        for (int p = 0; p < _points; p++)
        {
            var levers = map.Evaluate(p / (double)(_points - 1));
            LeverSet.AsSpan(ref levers).CopyTo(_data.AsSpan(p * LeverSet.Count, LeverSet.Count));
        }
        MaxInterpolationError = MeasureError();
    }

    /// <summary>The options in use.</summary>
    public LeverTableOptions Options { get; }

    /// <summary>The direct map the table was built from.</summary>
    public LeverMap Map { get; }

    /// <summary>Number of grid points.</summary>
    public int Points => _points;

    /// <summary>Largest |table - direct| seen at construction, per lever (indexed by <c>(int)</c><see cref="Lever"/>), lever units (<see cref="LeverSchema"/>).</summary>
    public IReadOnlyList<float> MaxInterpolationError { get; }

    /// <summary>Largest |table - direct| of <paramref name="lever"/> seen at construction, in the lever's unit.</summary>
    public float MaxInterpolationErrorOf(Lever lever) => MaxInterpolationError[(int)lever];

    /// <summary>Levers at <paramref name="arousal"/>; NaN and out-of-range inputs are clamped (status says how).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public LeverSet Lookup(float arousal, out LeverLookupStatus status)
    {
        if (arousal >= 0f && arousal <= 1f)
        {
            status = LeverLookupStatus.InRange;
        }
        else
        {
            status = ClampOutOfLine(ref arousal);
        }
        double x = arousal * (double)(_points - 1);
        int i = Math.Min((int)x, _points - 2);
        float f = (float)(x - i);
        LeverSet result = default;
        var dst = LeverSet.AsSpan(ref result);
        var lo = new ReadOnlySpan<float>(_data, i * LeverSet.Count, 2 * LeverSet.Count);
        for (int k = 0; k < LeverSet.Count; k++)
        {
            float a = lo[k];
            dst[k] = a + f * (lo[k + LeverSet.Count] - a);
        }
        return result;
    }

    /// <summary>
    /// The receptor state behind the levers at <paramref name="arousal"/> (clamped as <see cref="Lookup(float, out LeverLookupStatus)"/>
    /// clamps it), computed directly from the receptor map: level = (c - c_min) / (c_max - c_min) and both occupancies.
    /// Allocation-free.
    /// </summary>
    public ReceptorDrive Receptors(float arousal)
    {
        if (!(arousal >= 0f && arousal <= 1f))
        {
            ClampOutOfLine(ref arousal);
        }
        var options = Map.Receptors.Options;
        ReceptorState r = Map.Receptors.Evaluate(arousal);
        double span = options.CMaxNm - options.CMinNm;
        float level = span > 0 ? (float)((r.NoradrenalineNm - options.CMinNm) / span) : 0f;
        return new ReceptorDrive(level, (float)r.Alpha2, (float)r.Alpha1);
    }

    /// <summary>Levers at <paramref name="arousal"/>, ignoring the clamp status.</summary>
    public LeverSet Lookup(float arousal) => Lookup(arousal, out _);

    // Rare path kept out of the inlined lookup: NaN and out-of-range inputs.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private LeverLookupStatus ClampOutOfLine(ref float arousal)
    {
        if (float.IsNaN(arousal))
        {
            arousal = _nanArousal;
            return LeverLookupStatus.NotANumber;
        }
        if (arousal < 0f)
        {
            arousal = 0f;
            return LeverLookupStatus.ClampedLow;
        }
        arousal = 1f;
        return LeverLookupStatus.ClampedHigh;
    }

    private float[] MeasureError()
    {
        var worst = new float[LeverSet.Count];
        for (int i = 0; i < _points - 1; i++)
        {
            for (int j = 1; j < ProbesPerInterval; j++)
            {
                double a = (i + j / (double)ProbesPerInterval) / (_points - 1);
                var direct = Map.Evaluate(a);
                var table = Lookup((float)a);
                var d = LeverSet.AsSpan(ref direct);
                var t = LeverSet.AsSpan(ref table);
                for (int k = 0; k < LeverSet.Count; k++)
                {
                    worst[k] = Math.Max(worst[k], Math.Abs(d[k] - t[k]));
                }
            }
        }
        return worst;
    }
}
