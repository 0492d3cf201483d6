using System.Globalization;

namespace ClosedLoop.Cli.Tests;

/// <summary>Reads a CSV file written by the recorders: header and numeric-or-text cells.</summary>
internal sealed record CsvFile(string[] Header, string[][] Rows)
{
    public static CsvFile Read(string path)
    {
        var lines = File.ReadAllLines(path);
        Assert.NotEmpty(lines);
        return new CsvFile(lines[0].Split(','), lines.Skip(1).Select(l => l.Split(',')).ToArray());
    }

    public double[] Column(int index) => Rows.Select(r => double.Parse(r[index], CultureInfo.InvariantCulture)).ToArray();
}
