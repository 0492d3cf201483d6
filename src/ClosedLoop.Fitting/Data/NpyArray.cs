using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace ClosedLoop.Fitting.Data;

/// <summary>
/// A NumPy array read from the .npy format (version 1, 2 or 3 header; little- or big-endian float64, float32,
/// int64, int32, int16, uint8, uint16, uint32, bool; C or Fortran order), as doubles in C (row-major) order.
/// A .npz file is a zip of .npy members, read by <see cref="ReadNpz"/>.
/// </summary>
public sealed partial class NpyArray
{
    private NpyArray(int[] shape, double[] data)
    {
        Shape = shape;
        Data = data;
    }

    /// <summary>The shape (empty for a scalar).</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The values, row-major.</summary>
    public double[] Data { get; }

    /// <summary>Read one .npy file.</summary>
    public static NpyArray Read(string path)
    {
        using var s = File.OpenRead(path);
        return Read(s, path);
    }

    /// <summary>Read every member of a .npz file, by name without the .npy suffix.</summary>
    public static Dictionary<string, NpyArray> ReadNpz(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var result = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
            {
                continue;
            }
            using var s = entry.Open();
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            copy.Position = 0;
            result[entry.FullName[..^4]] = Read(copy, $"{path}:{entry.FullName}");
        }
        return result;
    }

    /// <summary>Read one .npy array from <paramref name="s"/>; <paramref name="name"/> names it in errors.</summary>
    public static NpyArray Read(Stream s, string name)
    {
        ArgumentNullException.ThrowIfNull(s);
        Span<byte> magic = stackalloc byte[8];
        s.ReadExactly(magic);
        if (magic[0] != 0x93 || !magic.Slice(1, 5).SequenceEqual("NUMPY"u8))
        {
            throw new FormatException($"{name}: not a .npy array (bad magic)");
        }
        int major = magic[6];
        int headerLen;
        if (major == 1)
        {
            Span<byte> l = stackalloc byte[2];
            s.ReadExactly(l);
            headerLen = BinaryPrimitives.ReadUInt16LittleEndian(l);
        }
        else if (major is 2 or 3)
        {
            Span<byte> l = stackalloc byte[4];
            s.ReadExactly(l);
            headerLen = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(l));
        }
        else
        {
            throw new FormatException($"{name}: .npy version {major} not supported");
        }
        var headerBytes = new byte[headerLen];
        s.ReadExactly(headerBytes);
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        var descr = Descr().Match(header);
        var fortran = Fortran().Match(header);
        var shapeMatch = ShapeRx().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
        {
            throw new FormatException($"{name}: .npy header '{header.Trim()}' lacks descr, fortran_order or shape");
        }
        int[] shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse).ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        string d = descr.Groups[1].Value;
        bool big = d[0] == '>';
        string type = d[1..];
        int size = type switch
        {
            "f8" or "i8" or "u8" => 8,
            "f4" or "i4" or "u4" => 4,
            "i2" or "u2" or "f2" => 2,
            "u1" or "i1" or "b1" => 1,
            _ => throw new FormatException($"{name}: dtype '{d}' not supported (float, int, uint or bool)"),
        };
        var raw = new byte[checked(count * size)];
        s.ReadExactly(raw);
        var data = new double[count];
        for (long k = 0; k < count; k++)
        {
            ReadOnlySpan<byte> b = raw.AsSpan((int)(k * size), size);
            data[k] = type switch
            {
                "f8" => big ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b),
                "f4" => big ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b),
                "f2" => (double)(big ? BinaryPrimitives.ReadHalfBigEndian(b) : BinaryPrimitives.ReadHalfLittleEndian(b)),
                "i8" => big ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b),
                "u8" => big ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b),
                "i4" => big ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b),
                "u4" => big ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b),
                "i2" => big ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b),
                "u2" => big ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b),
                "i1" => (sbyte)b[0],
                _ => b[0],
            };
        }
        if (fortran.Groups[1].Value == "True" && shape.Length > 1)
        {
            data = FortranToC(data, shape);
        }
        return new NpyArray(shape, data);
    }

    private static double[] FortranToC(double[] f, int[] shape)
    {
        var c = new double[f.Length];
        int nd = shape.Length;
        var idx = new int[nd];
        for (int k = 0; k < c.Length; k++)
        {
            // k is the C-order linear index of idx; the Fortran index runs first dimension fastest.
            long fi = 0, stride = 1;
            for (int d = 0; d < nd; d++)
            {
                fi += idx[d] * stride;
                stride *= shape[d];
            }
            c[k] = f[fi];
            for (int d = nd - 1; d >= 0; d--)
            {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return c;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([<>|=][a-z]\d+)'")]
    private static partial Regex Descr();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex Fortran();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeRx();
}
