using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;
using ClosedLoop.TestSupport;
using Xunit.Abstractions;

namespace ClosedLoop.Cli.Tests;

/// <summary>
/// Issue 10: the default session asks for a real-time core. A real <c>closedloop run</c> child on the embedded loop
/// defaults ("auto"): what the loop thread got is read from the kernel (/proc/PID/task/TID/stat policy and priority,
/// Cpus_allowed_list of every thread while it runs) and compared with the summary, the log and the recording (effective
/// config, note 106). Then the same with CAP_SYS_NICE dropped and no rtprio limit (the denied path: it runs, and says so),
/// and with the CLI switching it off. Each child gets its own temp directory (TMPDIR), so its machine-wide CPU claim
/// cannot be taken by another test's loop, and runs under taskset on every CPU this machine offers it.
/// </summary>
public sealed class LoopSchedulingCliTests(ITestOutputHelper output)
{
    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static int LastCpu => Environment.ProcessorCount - 1;

    private static HashSet<int> ParseList(string list) => ProcStatus.ParseCpuList(list);

    private static string? StatusField(string file, string field) => ProcStatus.Field(file, field);

    private sealed record Child(string Stdout, string Stderr, int LoopPolicy, int LoopPriority, HashSet<int> LoopCpus,
        Dictionary<int, HashSet<int>> OtherThreads, string ConfigText, List<string> SchedulingNotes);

    /// <summary>Run `closedloop run` for 3 s through <paramref name="wrapper"/>; while it runs, read its threads from /proc.</summary>
    private async Task<Child> RunChildAsync(TempDirectory dir, string[] wrapper, params string[] extra)
    {
        string recording = dir.File("run.cllog");
        string config = dir.File("rig.toml");
        File.WriteAllText(config, $"""
            [model]
            cells = 300
            [endpoints]
            grpc_port = 0
            zmq_ingest = "tcp://127.0.0.1:{FreePort()}"
            zmq_publish = "tcp://127.0.0.1:{FreePort()}"
            [recording]
            path = "{recording}"
            """);
        string tmp = Directory.CreateDirectory(dir.File("tmp")).FullName;
        var info = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])["-c", $"0-{LastCpu}", .. wrapper, Path.Combine(AppContext.BaseDirectory, "closedloop"),
                     "run", "--config", config, "--seconds", "3", "--dashboard-port", "-1", .. extra])
        {
            info.ArgumentList.Add(a);
        }
        info.Environment["TMPDIR"] = tmp;
        using var p = new Process { StartInfo = info };
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new System.Text.StringBuilder();
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (e.Data == "running") running.TrySetResult();
        };
        p.Start();
        p.BeginErrorReadLine();
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        await running.Task.WaitAsync(TimeSpan.FromSeconds(120));
        int policy = -1, priority = -1;
        HashSet<int> loopCpus = [];
        var others = new Dictionary<int, HashSet<int>>();
        foreach (string task in Directory.GetDirectories($"/proc/{p.Id}/task"))
        {
            int tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
            string? cpus = StatusField(Path.Combine(task, "status"), "Cpus_allowed_list");
            string comm;
            string stat;
            try
            {
                comm = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            if (cpus is null) continue;
            if (comm == "closedloop-rt")
            {
                // Fields after the command's closing parenthesis start at field 3 (state); 40 = rt_priority, 41 = policy.
                string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                priority = int.Parse(f[40 - 3], CultureInfo.InvariantCulture);
                policy = int.Parse(f[41 - 3], CultureInfo.InvariantCulture);
                loopCpus = ParseList(cpus);
            }
            else
            {
                others[tid] = ParseList(cpus);
            }
        }
        string stdout = await stdoutTask;
        Assert.True(p.WaitForExit(120_000), "closedloop run did not end within 120 s");
        string err;
        lock (stderr) err = stderr.ToString();
        output.WriteLine(stdout + err);
        Assert.True(p.ExitCode == ExitCodes.Ok, err);
        Assert.True(policy >= 0, "no closedloop-rt thread found while the session ran");
        var contents = await RecordingReader.ReadAllAsync(recording);
        string text = ConfigRecord.Decode(contents.Records.Single(r => r.Type == RecordType.Config).Payload.Span).ConfigText;
        var notes = contents.Records.Where(r => r.Type == RecordType.Marker).Select(r => MarkerRecord.Decode(r.Payload.Span))
            .Where(m => m.Code == MarkerCode.LoopScheduling).Select(m => m.Note ?? "").ToList();
        return new Child(stdout, err, policy, priority, loopCpus, others, text, notes);
    }

    [Fact]
    public async Task DefaultSession_TakesTheLastCpuAndSchedFifo50WherePermitted_KeepsTheCoreForTheLoop_SaysAndRecordsIt()
    {
        using var dir = new TempDirectory();
        var c = await RunChildAsync(dir, []);
        int cpu = LastCpu;
        if (Environment.ProcessorCount < 2)
        {
            Assert.Contains("loop         not pinned, normal scheduler (auto); not pinned: the process may use 1 CPU", c.Stdout, StringComparison.Ordinal);
            return;
        }
        Assert.Equal([cpu], c.LoopCpus);
        // Every other thread of the session (transports, ingest, thread pool, GC, JIT, recorder...) is off the loop's core.
        Assert.True(c.OtherThreads.Count >= 5, $"only {c.OtherThreads.Count} other threads seen");
        foreach (var (tid, cpus) in c.OtherThreads)
        {
            Assert.False(cpus.Contains(cpu), $"thread {tid} may run on the loop's CPU {cpu}");
        }
        Assert.Contains($"cpu_core = {cpu}\n", c.ConfigText, StringComparison.Ordinal);
        Assert.Contains("other threads of the process moved off CPU " + cpu.ToString(CultureInfo.InvariantCulture), c.Stdout, StringComparison.Ordinal);
        Assert.Single(c.SchedulingNotes);
        if (Environment.IsPrivilegedProcess)
        {
            Assert.Equal((1, 50), (c.LoopPolicy, c.LoopPriority)); // SCHED_FIFO 50, as the kernel reports it
            Assert.Contains($"loop         CPU {cpu}, SCHED_FIFO 50 (auto); ", c.Stdout, StringComparison.Ordinal);
            Assert.Contains($"| loop CPU {cpu}, SCHED_FIFO 50 (auto)", c.Stdout, StringComparison.Ordinal); // the status line
            Assert.Contains("realtime_priority = 50\n", c.ConfigText, StringComparison.Ordinal);
            Assert.Contains($"# Loop at start: CPU {cpu}, SCHED_FIFO 50 (auto)", c.ConfigText, StringComparison.Ordinal);
            Assert.StartsWith($"loop: CPU {cpu}, SCHED_FIFO 50 (auto)", c.SchedulingNotes[0], StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(0, c.LoopPolicy);
            Assert.Contains("no SCHED_FIFO: sched_setscheduler refused", c.Stdout, StringComparison.Ordinal);
            Assert.Contains("realtime_priority = 0\n", c.ConfigText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DefaultSession_WithoutCapSysNiceOrAnRtprioLimit_RunsInTheNormalSchedulerPinned_AndSaysWhyOnce()
    {
        using var dir = new TempDirectory();
        // As root, drop CAP_SYS_NICE for good (bounding and inheritable sets); anyone: an RLIMIT_RTPRIO of 0.
        string[] wrapper = Environment.IsPrivilegedProcess
            ? ["prlimit", "--rtprio=0", "setpriv", "--inh-caps=-sys_nice", "--bounding-set=-sys_nice", "--"]
            : ["prlimit", "--rtprio=0"];
        var c = await RunChildAsync(dir, wrapper);
        Assert.Equal(0, c.LoopPolicy); // SCHED_OTHER
        Assert.Contains("SCHED_FIFO refused (errno 1, EPERM", c.Stderr, StringComparison.Ordinal);
        Assert.Contains("no SCHED_FIFO: sched_setscheduler refused (EPERM", c.Stdout, StringComparison.Ordinal);
        Assert.Contains("realtime_priority = 0\n", c.ConfigText, StringComparison.Ordinal);
        Assert.Contains("no SCHED_FIFO: sched_setscheduler refused (EPERM", Assert.Single(c.SchedulingNotes), StringComparison.Ordinal);
        if (Environment.ProcessorCount >= 2)
        {
            Assert.Equal([LastCpu], c.LoopCpus); // the core is still the loop's
            Assert.Contains($"loop         CPU {LastCpu}, normal scheduler (auto); ", c.Stdout, StringComparison.Ordinal);
            Assert.Contains($"| loop CPU {LastCpu}, normal scheduler (auto) (!)", c.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CliSwitchesItOff_NotPinnedNormalScheduler_NothingMoved()
    {
        using var dir = new TempDirectory();
        var c = await RunChildAsync(dir, [], "--cpu", "-1", "--rt-priority", "0");
        Assert.Equal(0, c.LoopPolicy);
        Assert.Equal(Enumerable.Range(0, Environment.ProcessorCount).ToHashSet(), c.LoopCpus);
        Assert.Contains("loop         not pinned, normal scheduler\n", c.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("cpu_core = -1\n", c.ConfigText, StringComparison.Ordinal);
        Assert.Contains("realtime_priority = 0\n", c.ConfigText, StringComparison.Ordinal);
        Assert.DoesNotContain("moved off CPU", c.Stderr, StringComparison.Ordinal);
    }
}
