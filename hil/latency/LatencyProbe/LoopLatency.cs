using System.Diagnostics;
using System.Globalization;
using ClosedLoop.Recording;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Session;

namespace ClosedLoop.Hil.Latency;

/// <summary>
/// Input to output through the whole loop: an external process sends arousal samples (ZeroMQ or gRPC),
/// stamping CLOCK_MONOTONIC right before each send; the rig (the default microcircuit at the given loop rate)
/// conditions them, maps them onto levers and runs the circuit. The loop itself stamps, in its recording, the
/// arrival and source time of each new input and the moment the step that first used it published its output
/// frame (no thread watches the loop); latency = publish - send time (same clock on Linux). cyclictest runs on the
/// loop's core meanwhile, for the machine's own wake-up latency beside ours.
/// </summary>
internal static class LoopLatency
{
    public static async Task<int> RunAsync(string transport, double rate, int count, double loopHz, int cells)
    {
        var inv = CultureInfo.InvariantCulture;
        int warmup = Math.Max(200, count / 10);
        int total = count + warmup;
        int port = Ports.Free();
        int udpPort = Ports.Free(); // a free TCP port number; free for UDP on loopback too in practice
        string recording = Path.Combine(Path.GetTempPath(), $"cl-latency-{Environment.ProcessId}.cllog");
        // loop-bridge: loop-zmq whose sink and governor heartbeat is the firmware bridge to the virtual device
        bool bridge = transport == "bridge";
        var device = bridge ? VirtualDeviceProcess.Start() : null;
        if (bridge)
        {
            transport = "zmq";
        }
        // CL_WAIT=spin: the loop busy-waits its whole period. oslat then measures the core first, for as long as the run
        // (a busy poll cannot share the core with a spinning loop); sleep mode runs cyclictest beside the loop instead.
        bool spin = Environment.GetEnvironmentVariable("CL_WAIT") == "spin";
        double seconds = total / rate + 2;
        string? oslat = null;
        if (spin)
        {
            string? cpuVar = Environment.GetEnvironmentVariable("CL_CPU");
            int oslatCpu = cpuVar is null or "auto" ? Environment.ProcessorCount - 1 : int.Parse(cpuVar, inv);
            oslat = await Oslat.RunAsync(oslatCpu, seconds) ?? "not run (install rt-tests: scripts/install-deps.sh --bench)";
        }
        var options = RigConfigParser.Parse($"""
            [loop]
            step_rate_hz = {loopHz.ToString(inv)}
            substeps = 1
            cpu_core = {Word(Environment.GetEnvironmentVariable("CL_CPU") ?? "auto")}
            realtime_priority = {Word(Environment.GetEnvironmentVariable("CL_RT_PRIORITY") ?? "auto")}
            wait = "{(spin ? "spin" : "sleep")}"
            [model]
            cells = {cells}
            [source]
            kind = "none"
            [endpoints]
            grpc_port = 0
            zmq_ingest = "tcp://127.0.0.1:{port}"
            zmq_publish = "{(Environment.GetEnvironmentVariable("CL_ZMQ_PUBLISH") == "0" ? "" : $"tcp://127.0.0.1:{Ports.Free()}")}"
            udp_ingest = "{(transport == "udp" ? $"127.0.0.1:{udpPort}" : "")}"
            [recording]
            path = "{recording}"
            {(device is null ? "" : $"""
            [[sink]]
            kind = "bridge"
            port = "{device.Link}"
            heartbeat = true
            [[sink]]
            kind = "simulated"
            """)}
            """);
        await using var session = RigSession.Create(options);
        await session.StartAsync();
        if (bridge)
        {
            // the samples must meet an armed governor: wait until the device acknowledged the limits and armed
            var armedBy = DateTime.UtcNow.AddSeconds(30);
            while (session.Runtime.Governor.State != Core.Outputs.SafetyState.Armed && DateTime.UtcNow < armedBy)
            {
                await Task.Delay(10);
            }
        }
        using var ticks = Environment.GetEnvironmentVariable("CL_ALLOC_TRACE") == "1" ? new AllocationTicks() : null;
        int gc0 = GC.CollectionCount(0), gc1 = GC.CollectionCount(1), gc2 = GC.CollectionCount(2);
        long allocated0 = GC.GetTotalAllocatedBytes();
        int loopCpu = session.Runtime.Scheduling.Cpu;
        using var cyclic = spin ? null : Cyclictest.Start(loopCpu >= 0 ? loopCpu.ToString(inv) : null, seconds);

        Process sender = transport == "zmq"
            ? Probe.Start("/usr/bin/python3", Path.Combine(AppContext.BaseDirectory, "zmq_sender.py"), "--connect", $"tcp://127.0.0.1:{port}",
                "--rate", rate.ToString(inv), "--count", total.ToString(inv))
            : transport == "udp"
            ? Probe.Start("/usr/bin/python3", Path.Combine(AppContext.BaseDirectory, "udp_sender.py"), "127.0.0.1", udpPort.ToString(inv),
                rate.ToString(inv), total.ToString(inv))
            : Probe.Start(Environment.ProcessPath!, typeof(LoopLatency).Assembly.Location, "--grpc-sender", session.Grpc!.Address,
                rate.ToString(inv), total.ToString(inv));
        await sender.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30 + total / rate));
        await Task.Delay(200);
        string gcs = $"gen0 {GC.CollectionCount(0) - gc0}, gen1 {GC.CollectionCount(1) - gc1}, gen2 {GC.CollectionCount(2) - gc2} " +
            string.Create(CultureInfo.InvariantCulture, $"({(GC.GetTotalAllocatedBytes() - allocated0) / 1e6:F1} MB allocated, all threads)");
        var r = session.Runtime;
        string loopLine = string.Create(inv,
            $"  loop: {r.StepsRun} steps, overruns {r.Overruns}, samples without estimate {session.Ingest.SamplesWithoutEstimate}; GCs while sending: {gcs}");
        string? allocationTicks = ticks?.Top(12);
        ticks?.Dispose(); // before reading the recording back: only what ran while samples flowed
        await session.DisposeAsync(); // closes the recording
        string? cyclictest = cyclic is null ? null : await cyclic.ResultAsync();
        // The first max(200, count/10) samples are connection set-up: leave them out, as the sender's warm-up.
        var a = await LatencyAnalysis.ScanAsync(recording, (ulong)warmup + 1);
        var atDevice = device is null ? null : await BridgeLatency.AtDeviceAsync(recording, device.StopAndReadFirstSeen(), (ulong)warmup + 1);
        // More than 100 steps (10 ms at 10 kHz) between arrival and use: far above any scheduling delay of a step.
        string held = await HeldInputs.DescribeAsync(recording, (ulong)warmup + 1, thresholdSteps: 100);
        if (Environment.GetEnvironmentVariable("CL_KEEP_RECORDING") == "1")
        {
            Console.WriteLine($"recording kept: {recording}");
        }
        else
        {
            File.Delete(recording);
        }
        Console.WriteLine(string.Create(inv,
            $"loop-{(bridge ? "bridge" : transport)}: {count} samples at {rate} Hz into a {loopHz} Hz loop ({cells} cells), load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; from the loop's own stamps in the recording"));
        Console.WriteLine($"  send -> output published (us):    {Stats(a.SourceToPublishUs ?? [])}");
        if (atDevice is { } d)
        {
            Console.WriteLine($"  send -> frame at the device, device clock (us): {Stats(d.SendToDeviceUs)}");
            Console.WriteLine($"  bridge: output published -> frame at the device (us): {Stats(d.PublishToDeviceUs)}");
            Console.WriteLine($"  samples whose first frame the device logged: {d.SendToDeviceUs.Length} of {d.Samples}");
        }
        Console.WriteLine($"  arrival -> output published (us): {Stats(a.ArrivalToPublishUs)}");
        Console.WriteLine($"  step lateness (us):               {Stats(a.LatenessUs)}");
        Console.WriteLine(held);
        Console.WriteLine($"  loop thread: {r.Scheduling.Describe()}; {r.LoopThreadSleeps} sleeps while the clock ran");
        if (spin)
        {
            Console.WriteLine($"  oslat, same core, just before:    {oslat}");
        }
        else
        {
            Console.WriteLine($"  cyclictest, same core, same time: {cyclictest ?? "not run (install rt-tests: scripts/install-deps.sh --bench)"}");
        }
        Console.WriteLine(loopLine);
        if (allocationTicks is not null)
        {
            Console.WriteLine("  allocation ticks while sending (type that crossed each ~100 KB; the listener's own strings included):");
            Console.WriteLine(allocationTicks);
        }
        return a.ArrivalToPublishUs.Length > 0 ? 0 : 1;
    }

    /// <summary>A CL_CPU / CL_RT_PRIORITY value as TOML: a number as it is, "auto" quoted.</summary>
    private static string Word(string value) => value == "auto" ? "\"auto\"" : value;

    internal static string Stats(double[] sorted)
    {
        if (sorted.Length == 0)
        {
            return "no data";
        }
        double P(double q) => LatencyAnalysis.Quantile(sorted, q);
        return string.Create(CultureInfo.InvariantCulture, $"n {sorted.Length}, p50 {P(0.5):F1}, p90 {P(0.9):F1}, p99 {P(0.99):F1}, p99.9 {P(0.999):F1}, max {sorted[^1]:F1}");
    }
}
