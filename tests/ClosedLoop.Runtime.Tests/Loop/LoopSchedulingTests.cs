using System.Globalization;
using ClosedLoop.Core.Configuration;
using ClosedLoop.Core.Time;
using ClosedLoop.Runtime.Diagnostics;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Runtime.Tests.Loop;

/// <summary>
/// Issue 10, the loop's core and how it waits: spin mode never sleeps (its sleep count and the kernel's voluntary
/// context-switch count of the loop thread stay at zero while a sleep-mode loop's grow with its steps), the timed loop
/// allocates nothing in either mode, a pinned loop moves every other thread of the process off its core (read back from
/// /proc/self/task/*/status) and gives it back when it stops, and the config refusals. Counts, not timings: the machine
/// may be loaded. These run alone (the allocation collection), as the isolation changes every thread of the process.
/// </summary>
[Collection(AllocationTestsCollection.Name)]
public sealed class LoopSchedulingTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    /// <summary>The last CPU this process may use (the one "auto" would take).</summary>
    private static int LastCpu() => ParseList(StatusField("/proc/self/status", "Cpus_allowed_list")).Max();

    private static string StatusField(string statusFile, string field) =>
        ProcStatus.Field(statusFile, field) ?? throw new InvalidOperationException($"{field} not in {statusFile}");

    private static HashSet<int> ParseList(string list) => ProcStatus.ParseCpuList(list);

    private static long VoluntarySwitches(int tid) =>
        long.Parse(StatusField($"/proc/self/task/{tid}/status", "voluntary_ctxt_switches"), CultureInfo.InvariantCulture);

    private static void WaitForSteps(ClosedLoopRuntime rt, long steps)
    {
        long end = MonoClock.Now + MonoClock.FromSeconds(s_timeout.TotalSeconds);
        while (rt.StepsRun < steps)
        {
            Assert.True(MonoClock.Now < end, $"the loop ran only {rt.StepsRun} of {steps} steps in {s_timeout.TotalSeconds} s");
            Thread.Sleep(5);
        }
    }

    private static RuntimeConfig Config(int cpu, LoopWait wait, double rateHz = 200) =>
        LoopFixture.Config(new ClosedLoop.Runtime.Safety.WatchdogConfig { StaleInputMs = 10_000, MaxOverrunStreak = 10_000, DeviceHeartbeatTimeoutMs = 10_000 }, rateHz) is var c
            ? c with { Loop = c.Loop with { CpuCore = cpu, RealtimePriority = 0, Wait = wait, WarmUpMs = 1000 } }
            : null!;

    [Theory]
    [InlineData(LoopWait.Sleep)]
    [InlineData(LoopWait.Spin)]
    public void TimedLoop_SleepOrSpin_SleepsOnlyInSleepMode_CountedByTheLoopAndByTheKernel_AndAllocatesNothing(LoopWait wait)
    {
        Assert.True(OperatingSystem.IsLinux(), "the loop's scheduling is Linux's (sched_setaffinity, /proc)");
        var rt = new ClosedLoopRuntime(Config(LastCpu(), wait), new ClosedLoop.Population.NeuralMass.NeuralMassModel(), LoopFixture.Map());
        rt.Start();
        long steps0, steps1, switches0, switches1, sleeps;
        try
        {
            Assert.Equal(wait, rt.Scheduling.Wait);
            WaitForSteps(rt, 20);
            int tid = rt.LoopThreadId;
            Assert.True(tid > 0);
            steps0 = rt.StepsRun;
            switches0 = VoluntarySwitches(tid);
            long sleeps0 = rt.LoopThreadSleeps;
            WaitForSteps(rt, steps0 + 200); // about 1 s at 200 Hz
            switches1 = VoluntarySwitches(tid);
            steps1 = rt.StepsRun;
            sleeps = rt.LoopThreadSleeps - sleeps0;
        }
        finally
        {
            Assert.True(rt.Stop(s_timeout));
        }
        long steps = steps1 - steps0, switches = switches1 - switches0;
        Assert.Null(rt.Fault);
        Assert.Equal(0, rt.LoopThreadAllocatedBytes); // the timed loop, waiting included, in either mode
        if (wait == LoopWait.Spin)
        {
            Assert.Equal(0, rt.LoopThreadSleeps);
            // A spinning thread is only ever preempted (involuntary switches); a handful of voluntary ones may come from the
            // runtime suspending it for a collection started by another thread.
            Assert.True(switches < steps / 10, $"{switches} voluntary context switches in {steps} spin-mode steps");
        }
        else
        {
            // Sleep mode sleeps before every step that is on time (a 5 ms period, a 300 us margin); catch-up steps after a
            // late one do not, so the bound is loose: the contrast with spin mode's zero is what matters.
            Assert.True(sleeps >= steps / 4, $"{sleeps} sleeps in {steps} sleep-mode steps");
            Assert.True(switches >= steps / 4, $"{switches} voluntary context switches in {steps} sleep-mode steps");
        }
    }

    [Fact]
    public void PinnedLoop_MovesEveryOtherThreadOfTheProcessOffItsCore_NewThreadsInheritIt_StopGivesItBack()
    {
        Assert.True(OperatingSystem.IsLinux(), "the loop's scheduling is Linux's (sched_setaffinity, /proc)");
        var allowed = ParseList(StatusField("/proc/self/status", "Cpus_allowed_list"));
        int cpu = allowed.Max();
        var rt = new ClosedLoopRuntime(Config(cpu, LoopWait.Sleep), new ClosedLoop.Population.NeuralMass.NeuralMassModel(), LoopFixture.Map());
        rt.Start();
        try
        {
            WaitForSteps(rt, 5);
            int loop = rt.LoopThreadId;
            Assert.Equal(cpu, rt.Scheduling.Cpu);
            if (allowed.Count < 2)
            {
                // One CPU: moving a thread off it would leave it none; every other thread stays, counted.
                Assert.Equal(0, rt.Scheduling.ThreadsMovedOff);
                Assert.True(rt.Scheduling.ThreadsLeftOn > 0);
                return;
            }
            Assert.True(rt.Scheduling.ThreadsMovedOff > 0);
            Assert.Equal(0, rt.Scheduling.ThreadsLeftOn);
            int others = 0;
            foreach (string dir in Directory.GetDirectories("/proc/self/task"))
            {
                int tid = int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture);
                HashSet<int> set;
                try
                {
                    set = ParseList(StatusField(Path.Combine(dir, "status"), "Cpus_allowed_list"));
                }
                catch (IOException)
                {
                    continue; // the thread ended meanwhile
                }
                if (tid == loop)
                {
                    Assert.Equal([cpu], set);
                }
                else
                {
                    others++;
                    Assert.False(set.Contains(cpu), $"thread {tid} may still run on the loop's CPU {cpu}: {string.Join(",", set)}");
                }
            }
            Assert.True(others >= 3);
            // A thread created now inherits its creator's set: not the loop's core either.
            string? bornLater = null;
            var t = new Thread(() => bornLater = StatusField("/proc/thread-self/status", "Cpus_allowed_list"));
            t.Start();
            t.Join();
            Assert.DoesNotContain(cpu, ParseList(bornLater!));
            var events = new List<LoopEvent>();
            var log = rt.Log.CreateReader();
            while (log.TryRead(out var e)) events.Add(e);
            Assert.Contains(events, e => e.Code == LoopEventCode.ThreadsMovedOffCore && e.Step == cpu && e.Value == rt.Scheduling.ThreadsMovedOff);
        }
        finally
        {
            Assert.True(rt.Stop(s_timeout));
        }
        // Given back: this thread may run on the core again.
        Assert.Contains(cpu, ParseList(StatusField("/proc/thread-self/status", "Cpus_allowed_list")));
    }

    [Fact]
    public void Validate_SpinWithoutAPinnedCore_RefusedNamingLoopWait()
    {
        var c = LoopFixture.Config();
        var ex = Assert.Throws<ConfigException>(() => (c with { Loop = c.Loop with { Wait = LoopWait.Spin, CpuCore = -1 } }).Validate());
        Assert.Equal("loop.wait", ex.Field);
        Assert.Contains("pinned core", ex.Message, StringComparison.Ordinal);
        (c with { Loop = c.Loop with { Wait = LoopWait.Spin, CpuCore = 0 } }).Validate();
        (c with { Loop = c.Loop with { Wait = LoopWait.Spin, CpuCore = LoopConfig.Auto } }).Validate();
    }

    [Fact]
    public void Validate_AutoIsTheOnlyNegativeWordAccepted()
    {
        var c = LoopFixture.Config();
        (c with { Loop = c.Loop with { CpuCore = LoopConfig.Auto, RealtimePriority = LoopConfig.Auto } }).Validate();
        Assert.Equal("loop.cpu_core", Assert.Throws<ConfigException>(() => (c with { Loop = c.Loop with { CpuCore = -3 } }).Validate()).Field);
        Assert.Equal("loop.realtime_priority", Assert.Throws<ConfigException>(() => (c with { Loop = c.Loop with { RealtimePriority = -1 } }).Validate()).Field);
        Assert.Equal("loop.realtime_priority", Assert.Throws<ConfigException>(() => (c with { Loop = c.Loop with { RealtimePriority = 100 } }).Validate()).Field);
    }

    [Fact]
    public void LibraryDefault_NotPinnedNormalSchedulerSleeping_NothingMovedAndNothingDegraded()
    {
        var rt = new ClosedLoopRuntime(LoopFixture.Config() is var c ? c with { Loop = c.Loop with { WarmUpMs = 0 } } : null!,
            new ClosedLoop.Population.NeuralMass.NeuralMassModel(), LoopFixture.Map());
        rt.Start();
        try
        {
            WaitForSteps(rt, 3);
        }
        finally
        {
            Assert.True(rt.Stop(s_timeout));
        }
        var s = rt.Scheduling;
        Assert.Equal((-1, 0, LoopWait.Sleep, 0), (s.Cpu, s.RealtimePriority, s.Wait, s.ThreadsMovedOff));
        Assert.False(s.Degraded);
        Assert.Equal("not pinned, normal scheduler", s.Brief());
        Assert.Equal(rt.Config.Loop, rt.EffectiveLoopConfig);
    }
}
