using System.CommandLine;
using System.Globalization;
using ClosedLoop.Cli.Plotting;
using ClosedLoop.Recording;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop latency RECORDING [--png FILE]</c>: input-to-output latency and step lateness from the loop's own
/// stamps in a recording (no thread watched the loop): percentiles, and a histogram PNG.
/// </summary>
public static class LatencyCommand
{
    /// <summary>Build the <c>latency</c> command.</summary>
    public static Command Create()
    {
        var recording = new Argument<FileInfo>("recording") { Description = "A recording written by `closedloop run`." };
        var png = new Option<FileInfo?>("--png") { Description = "Histogram PNG to write (default: RECORDING.latency.png)" };
        var noPng = new Option<bool>("--no-png") { Description = "Print the percentiles only" };
        var command = new Command("latency", "Input-to-output latency and step lateness from a recording's in-loop stamps");
        command.Arguments.Add(recording);
        command.Options.Add(png);
        command.Options.Add(noPng);
        command.SetAction(async (parse, token) =>
        {
            var file = parse.GetValue(recording)!;
            var output = parse.InvocationConfiguration.Output;
            if (!file.Exists)
            {
                throw new CliInputException($"recording '{file.FullName}' does not exist");
            }
            LatencyAnalysis a;
            try
            {
                a = await LatencyAnalysis.ScanAsync(file.FullName, 0, token).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                throw new CliInputException($"{file.FullName}: {ex.Message}");
            }
            WriteReport(a, output);
            if (!parse.GetValue(noPng))
            {
                string path = parse.GetValue(png)?.FullName ?? file.FullName + ".latency.png";
                LatencyPlotter.Render(a, path);
                output.WriteLine($"histogram    {path}");
            }
            return a.ArrivalToPublishUs.Length > 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>Print the percentiles of every series of <paramref name="a"/>.</summary>
    public static void WriteReport(LatencyAnalysis a, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(output);
        if (a.Deterministic)
        {
            output.WriteLine("note: a deterministic-mode recording; its times are step counts, not wall time");
        }
        output.WriteLine(Line("arrival -> output us ", a.ArrivalToPublishUs));
        output.WriteLine(a.SourceToPublishUs is { } s
            ? Line("send -> output us    ", s)
            : "send -> output us     n/a (source times are not this machine's monotonic clock)");
        output.WriteLine(Line("step lateness us     ", a.LatenessUs) + string.Create(CultureInfo.InvariantCulture, $"  overruns {a.Overruns}"));
    }

    private static string Line(string label, double[] v) => v.Length == 0
        ? $"{label}n 0"
        : string.Create(CultureInfo.InvariantCulture,
            $"{label}n {v.Length}  p50 {Q(v, 0.5):F1}  p90 {Q(v, 0.9):F1}  p99 {Q(v, 0.99):F1}  p99.9 {Q(v, 0.999):F1}  max {v[^1]:F1}");

    private static double Q(double[] v, double q) => LatencyAnalysis.Quantile(v, q);
}
