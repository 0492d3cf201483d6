using System.CommandLine;
using System.Globalization;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Sinks;
using ClosedLoop.Recording;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop replay RECORDING [--check-only] [--notes]</c>: checks a recording (every block's CRC, torn or corrupt
/// regions, drops), prints what it holds, then replays it through the real loop (the rig rebuilt from the
/// recorded config) and compares every output frame and readout bit for bit. Exit codes: 0 intact (and reproduced), 1 replay diverged,
/// 2 usage error or not a recording, 3 damaged, dropped records, or replay incomplete.
/// </summary>
public static class ReplayCommand
{
    /// <summary>The command, replaying rig recordings through <see cref="Rig.Replay.RigReplayTarget"/>.</summary>
    public static Command Create() => Create(() => new Rig.Replay.RigReplayTarget());

    /// <summary>The command with another replay target (tests, other hosts).</summary>
    public static Command Create(Func<IReplayTarget>? buildTarget)
    {
        var recording = new Argument<FileInfo>("recording") { Description = "The recording (.cllog) to check or replay." };
        var notes = new Option<bool>("--notes") { Description = "List the recording's notes, markers, interventions and digital edges with their steps and times." };
        var checkOnly = new Option<bool>("--check-only") { Description = "Only check the file's integrity and summarise it; do not replay." };
        var command = new Command("replay", "Check a recording and replay it bit for bit through the loop.");
        command.Arguments.Add(recording);
        command.Options.Add(checkOnly);
        command.Options.Add(notes);
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(recording)!, !parse.GetValue(checkOnly), parse.GetValue(notes), buildTarget, parse.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    /// <summary>"\rreplaying [#####.....]  50 %" and clear to the end of the line.</summary>
    public static string ProgressBar(double fraction)
    {
        int filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * 30);
        return "\rreplaying [" + new string('#', filled) + new string('.', 30 - filled) + "] "
            + (fraction * 100).ToString("0", CultureInfo.InvariantCulture).PadLeft(3) + " %\u001b[K";
    }

    // Progress<T> posts to the thread pool; this reports on the replaying thread, in order.
    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }

    private static async Task<int> RunAsync(FileInfo file, bool verify, bool listNotes,
        Func<IReplayTarget>? buildTarget, TextWriter output, CancellationToken cancellationToken)
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
        if (listNotes)
        {
            var list = await RecordingNotes.ScanAsync(file.FullName, cancellationToken);
            output.WriteLine($"notes        {list.Count}");
            foreach (var n in list)
            {
                output.WriteLine("  " + n);
            }
        }
        if (!verify)
        {
            return summary.Intact ? 0 : 3;
        }
        if (buildTarget is null)
        {
            output.WriteLine("replay: no replay target is wired into this build");
            return 2;
        }
        ReplayReport report;
        try
        {
            // A progress bar on a terminal for recordings that take a while (over 4 MB); a pipe or a file gets none.
            bool bar = file.Length > 4_000_000 && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            var progress = bar ? new SyncProgress(f => output.Write(ProgressBar(f))) : null;
            report = await ReplayEngine.RunAsync(file.FullName, buildTarget(), progress, cancellationToken);
            if (bar)
            {
                output.Write("\r\u001b[K");
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or Core.Configuration.ConfigException)
        {
            output.WriteLine($"replay: cannot rebuild the loop from the recording: {ex.Message}");
            return 3;
        }
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
