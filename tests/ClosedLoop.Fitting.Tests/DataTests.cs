using System.IO.Compression;
using System.Text;
using ClosedLoop.Fitting.Data;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Fitting.Tests;

/// <summary>The data readers, on files written here byte by byte after the NumPy format description ("NEP 1: a simple file format for NumPy arrays").</summary>
public class DataTests
{
    /// <summary>A .npy file: magic, version, little-endian header length, header dict padded with spaces to 64 bytes incl. newline, data.</summary>
    internal static byte[] Npy(string descr, bool fortran, int[] shape, byte[] data, int version = 1)
    {
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shapeText}, }}";
        int pre = version == 1 ? 10 : 12;
        int total = (pre + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(total - pre - 1) + "\n";
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0]);
        if (version == 1) ms.Write(BitConverter.GetBytes((ushort)header.Length));
        else ms.Write(BitConverter.GetBytes((uint)header.Length));
        ms.Write(Encoding.Latin1.GetBytes(header));
        ms.Write(data);
        return ms.ToArray();
    }

    private static byte[] F8(params double[] v) => v.SelectMany(BitConverter.GetBytes).ToArray();

    [Fact]
    public void Npy_CAndFortranOrder_Float64Float32Int32_Version1And2()
    {
        using var dir = new TempDirectory();
        string p = dir.File("a.npy");
        File.WriteAllBytes(p, Npy("<f8", false, [2, 3], F8(1, 2, 3, 4, 5, 6)));
        var a = NpyArray.Read(p);
        Assert.Equal([2, 3], a.Shape);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], a.Data);
        // Fortran order: the same matrix stored column by column.
        File.WriteAllBytes(p, Npy("<f8", true, [2, 3], F8(1, 4, 2, 5, 3, 6), version: 2));
        Assert.Equal([1.0, 2, 3, 4, 5, 6], NpyArray.Read(p).Data);
        File.WriteAllBytes(p, Npy("<f4", false, [3], new[] { 0.5f, -1f, 2f }.SelectMany(BitConverter.GetBytes).ToArray()));
        Assert.Equal([0.5, -1, 2], NpyArray.Read(p).Data);
        File.WriteAllBytes(p, Npy("<i4", false, [2], new[] { 7, -3 }.SelectMany(BitConverter.GetBytes).ToArray()));
        Assert.Equal([7.0, -3], NpyArray.Read(p).Data);
        File.WriteAllBytes(p, Npy("<c16", false, [1], new byte[16]));
        Assert.Contains("c16", Assert.Throws<FormatException>(() => NpyArray.Read(p)).Message);
    }

    [Fact]
    public void Npz_UnitsByTime_BecomesTimeMajorTrials()
    {
        using var dir = new TempDirectory();
        string p = dir.File("d.npz");
        // 2 units x 6 steps; ne over time; cut into trials of 3.
        using (var zip = ZipFile.Open(p, ZipArchiveMode.Create))
        {
            void Add(string name, byte[] bytes)
            {
                using var s = zip.CreateEntry(name + ".npy").Open();
                s.Write(bytes);
            }
            Add("rates", Npy("<f8", false, [2, 6], F8(0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15)));
            Add("ne", Npy("<f8", false, [6], F8(0, 0.2, 0.4, 0.6, 0.8, 1.0)));
        }
        var data = FitDataLoader.Load(p, new LoadOptions(DtMs: 20, TrialSteps: 3));
        Assert.Equal(2, data.Trials.Count);
        Assert.Equal(2, data.Units);
        Assert.Equal([3.0, 13, 4, 14, 5, 15], data.Trials[1].Y);
        Assert.Equal([0.6, 0.8, 1.0], data.Trials[1].Level);
    }

    [Fact]
    public void Csv_TrialsMaskingAndNeNormalisation()
    {
        using var dir = new TempDirectory();
        string p = dir.File("d.csv");
        File.WriteAllText(p, "time,trial,ne,u,a,b\n0,1,10,0.5,1,2\n1,1,20,0.5,,3\n2,2,30,0,nan,4\n3,2,50,0,5,6\n");
        var data = FitDataLoader.Load(p, new LoadOptions(DtMs: 10));
        Assert.Equal(2, data.Trials.Count);
        Assert.Equal(2, data.Units);
        Assert.True(double.IsNaN(data.Trials[0].Y[2]));
        Assert.Equal([0.0, 0.25], data.Trials[0].Level); // min..max of the trace -> 0..1
        Assert.Equal([0.5, 1.0], data.Trials[1].Level);
        Assert.Equal([0.5, 0.5], data.Trials[0].Input);
        File.WriteAllText(p, "ne,a\n0.1,x\n0.2,1\n");
        Assert.Contains("'x'", Assert.Throws<FormatException>(() => FitDataLoader.Load(p, new LoadOptions())).Message);
    }
}
