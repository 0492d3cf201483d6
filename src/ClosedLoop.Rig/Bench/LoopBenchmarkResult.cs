namespace ClosedLoop.Rig.Bench;

/// <summary>Timing of a <see cref="LoopBenchmark"/> run. Latencies in microseconds (histogram bucket upper edges, within 6.25%).</summary>
public sealed record LoopBenchmarkResult(
    double RateHz,
    double Seconds,
    int Substeps,
    long Steps,
    long Overruns,
    long SkippedSteps,
    double LatenessP50Us,
    double LatenessP99Us,
    double LatenessP999Us,
    double LatenessMaxUs,
    double ComputeP50Us,
    double ComputeP99Us,
    double ComputeMaxUs,
    long Gen0Collections,
    IReadOnlyList<string> Notes)
{
    /// <summary>One line per quantity, for the CLI.</summary>
    public override string ToString() =>
        $"rate {RateHz} Hz x {Seconds} s, {Substeps} substeps: {Steps} steps, {Overruns} overruns, {SkippedSteps} skipped, {Gen0Collections} gen0 GCs\n" +
        $"lateness us: p50 {LatenessP50Us:F1}  p99 {LatenessP99Us:F1}  p99.9 {LatenessP999Us:F1}  max {LatenessMaxUs:F1}\n" +
        $"compute  us: p50 {ComputeP50Us:F1}  p99 {ComputeP99Us:F1}  max {ComputeMaxUs:F1}\n" +
        string.Join('\n', Notes);
}
