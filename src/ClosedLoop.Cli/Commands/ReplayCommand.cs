using System.CommandLine;
using System.Globalization;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Recording;
using ClosedLoop.Runtime.Sinks;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop replay RECORDING [--verify]</c>: checks a recording (every block's CRC, torn or corrupt
/// regions, drops) and prints what it holds; with <c>--verify</c> replays it through the real loop and compares
/// every output frame and readout bit for bit. Exit codes: 0 intact (and reproduced), 1 replay diverged,
/// 2 usage error or not a recording, 3 damaged, dropped records, or replay incomplete.
/// </summary>
public static class ReplayCommand
{
    /// <summary>The command without a config loader: <c>--verify</c> then reports that it is not wired.</summary>
    public static Command Create() => Create(null);

    /// <summary>The command; <paramref name="buildRuntime"/> rebuilds the loop from a recording's config for <c>--verify</c>.</summary>
    /// <param name="buildRuntime">
    /// Builds a <see cref="ClosedLoopRuntime"/> from the recorded config text, passing it the replay heartbeat
    /// (only if the recorded run had a device) and the recorder hook (see <see cref="RuntimeReplayTarget"/>).
    /// </param>
    public static Command Create(Func<ReplaySetup, IDeviceHeartbeat, ILoopRecorder, ClosedLoopRuntime>? buildRuntime)
    {
        var recording = new Argument<FileInfo>("recording") { Description = "The recording (.clrec) to check or replay." };
        var verify = new Option<bool>("--verify") { Description = "Replay through the loop and compare every output bit for bit." };
        var command = new Command("replay", "Check a recording and replay it bit for bit through the loop.");
        command.Arguments.Add(recording);
        command.Options.Add(verify);
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(recording)!, parse.GetValue(verify), buildRuntime, parse.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo file, bool verify,
        Func<ReplaySetup, IDeviceHeartbeat, ILoopRecorder, ClosedLoopRuntime>? buildRuntime, TextWriter output, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            output.WriteLine($"replay: {file.FullName} does not exist");
            return 2;
        }
        RecordingSummary summary;
        try
        {
            summary = await RecordingSummary.ScanAsync(file.FullName, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            output.WriteLine($"replay: {file.FullName}: {ex.Message}");
            return 2;
        }
        summary.WriteTo(output);
        if (!verify)
        {
            return summary.Intact ? 0 : 3;
        }
        if (buildRuntime is null)
        {
            output.WriteLine("replay: --verify needs a config loader, and none is wired into this build");
            return 2;
        }
        ReplayReport report = await ReplayEngine.RunAsync(file.FullName, new RuntimeReplayTarget(buildRuntime), cancellationToken);
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"replayed     {report.StepsReplayed} steps; outputs compared {report.OutputsCompared}, divergent {report.DivergentOutputs}; readouts compared {report.ReadoutsCompared}, divergent {report.DivergentReadouts}"));
        if (report.FirstDivergence is ReplayDivergence d)
        {
            output.WriteLine($"first divergence: {d}");
        }
        if (report.StopReason is not null)
        {
            output.WriteLine($"stopped early: {report.StopReason}");
        }
        output.WriteLine(report.Reproduced ? "reproduced bit for bit" : "NOT reproduced");
        return report.FirstDivergence is not null ? 1 : report.Reproduced ? 0 : 3;
    }
}
