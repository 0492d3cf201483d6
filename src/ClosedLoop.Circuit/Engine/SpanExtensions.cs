using System.Numerics;
using System.Runtime.InteropServices;

namespace ClosedLoop.Circuit.Engine;

/// <summary>Small SIMD helpers over float spans.</summary>
internal static class SpanExtensions
{
    /// <summary>span[i] += value.</summary>
    public static void Add(this Span<float> span, float value)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(span);
        var add = new Vector<float>(value);
        for (int i = 0; i < vectors.Length; i++) vectors[i] += add;
        for (int i = vectors.Length * Vector<float>.Count; i < span.Length; i++) span[i] += value;
    }

    /// <summary>span[i] *= factor.</summary>
    public static void Multiply(this Span<float> span, float factor)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(span);
        var f = new Vector<float>(factor);
        for (int i = 0; i < vectors.Length; i++) vectors[i] *= f;
        for (int i = vectors.Length * Vector<float>.Count; i < span.Length; i++) span[i] *= factor;
    }
}
