using System.Diagnostics;
using System.Globalization;
using ClosedLoop.Core.Time;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Session;

namespace ClosedLoop.Hil.Latency;

/// <summary>
/// Input to output through the whole loop: an external process sends arousal samples (ZeroMQ or gRPC),
/// stamping CLOCK_MONOTONIC right before each send; the rig (the default microcircuit at the given loop rate)
/// conditions them, maps them onto levers and runs the circuit; a reader thread here spins on the loop's
/// output ring, as a device writer does, and stamps the moment the first frame computed with each new sample
/// is available to leave for the device. Latency = that moment - the send time (same clock on Linux).
/// </summary>
internal static class LoopLatency
{
    public static async Task<int> RunAsync(string transport, double rate, int count, double loopHz, int cells)
    {
        // loop-bridge: ZeroMQ in, and the outputs to the real firmware running as a virtual device on a pty (the
        // governor's heartbeat), which logs the device-clock time it accepted each frame.
        bool bridge = transport == "bridge";
        VirtualDeviceProcess? device = bridge ? VirtualDeviceProcess.Start() : null;
        if (bridge)
        {
            transport = "zmq";
        }
        var inv = CultureInfo.InvariantCulture;
        int warmup = Math.Max(200, count / 10);
        int total = count + warmup;
        int port = Ports.Free();
        string log = Path.Combine(Path.GetTempPath(), $"cl-latency-{Environment.ProcessId}.csv");
        var options = RigConfigParser.Parse($"""
            [loop]
            step_rate_hz = {loopHz.ToString(inv)}
            substeps = 1
            cpu_core = {Environment.GetEnvironmentVariable("CL_CPU") ?? "-1"}
            realtime_priority = {Environment.GetEnvironmentVariable("CL_RT_PRIORITY") ?? "0"}
            [model]
            cells = {cells}
            [source]
            kind = "none"
            [endpoints]
            grpc_port = 0
            zmq_ingest = "tcp://127.0.0.1:{port}"
            zmq_publish = "{(Environment.GetEnvironmentVariable("CL_ZMQ_PUBLISH") == "0" ? "" : $"tcp://127.0.0.1:{Ports.Free()}")}"
            [recording]
            enabled = false
            {(device is null ? "" : $"[[sink]]\nkind = \"bridge\"\nport = \"{device.Link}\"\nheartbeat = true")}
            """);
        await using var session = RigSession.Create(options);
        var frames = session.Runtime.Outputs.CreateReader(fromNow: true);
        var firstSeen = new Dictionary<ulong, (long Out, long Arrival)>(total);
        bool stop = false;
        var reader = new Thread(() =>
        {
            ulong last = 0;
            while (!Volatile.Read(ref stop))
            {
                while (frames.TryRead(out var f))
                {
                    if (f.InputSequence != last && f.InputSequence != 0)
                    {
                        last = f.InputSequence;
                        firstSeen.TryAdd(last, (MonoClock.Now, f.InputArrivalTicks));
                    }
                }
                Thread.SpinWait(20);
            }
        }) { IsBackground = true, Name = "latency-reader" };
        await session.StartAsync();
        reader.Start();
        int gc0 = GC.CollectionCount(0), gc1 = GC.CollectionCount(1), gc2 = GC.CollectionCount(2);
        long allocated0 = GC.GetTotalAllocatedBytes();

        Process sender = transport == "zmq"
            ? Probe.Start("/usr/bin/python3", Path.Combine(AppContext.BaseDirectory, "zmq_sender.py"), "--connect", $"tcp://127.0.0.1:{port}",
                "--rate", rate.ToString(inv), "--count", total.ToString(inv), "--log", log)
            : Probe.Start(Environment.ProcessPath!, typeof(LoopLatency).Assembly.Location, "--grpc-sender", session.Grpc!.Address,
                rate.ToString(inv), total.ToString(inv), log);
        await sender.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30 + total / rate));
        await Task.Delay(200);
        Volatile.Write(ref stop, true);
        reader.Join();
        string gcs = $"gen0 {GC.CollectionCount(0) - gc0}, gen1 {GC.CollectionCount(1) - gc1}, gen2 {GC.CollectionCount(2) - gc2} " +
            string.Create(CultureInfo.InvariantCulture, $"({(GC.GetTotalAllocatedBytes() - allocated0) / 1e6:F1} MB allocated, all threads)");

        var send = File.ReadAllLines(log).Select(l => l.Split(',')).ToDictionary(p => ulong.Parse(p[0], inv), p => long.Parse(p[1], inv));
        File.Delete(log);
        var endToEnd = new List<double>();
        var inLoop = new List<double>();
        foreach (var (seq, seen) in firstSeen)
        {
            if (seq <= (ulong)warmup || !send.TryGetValue(seq, out long sentNs))
            {
                continue;
            }
            endToEnd.Add((seen.Out - sentNs) / 1e3);
            inLoop.Add((seen.Out - seen.Arrival) / 1e3);
        }
        var r = session.Runtime;
        Console.WriteLine(string.Create(inv,
            $"loop-{(bridge ? "bridge" : transport)}: {endToEnd.Count}/{count} samples at {rate} Hz into a {loopHz} Hz loop ({cells} cells); superseded before a step {count - endToEnd.Count}"));
        if (device is not null)
        {
            await session.DisposeAsync();
            var atDevice = device.StopAndReadFirstSeen();
            var sendToDevice = new List<double>();
            var bridgeShare = new List<double>();
            foreach (var (seq, seen) in firstSeen)
            {
                if (seq > (ulong)warmup && send.TryGetValue(seq, out long sentNs) && atDevice.TryGetValue((uint)seq, out long deviceNs))
                {
                    sendToDevice.Add((deviceNs - sentNs) / 1e3);
                    bridgeShare.Add((deviceNs - seen.Out) / 1e3);
                }
            }
            Console.WriteLine($"  send -> frame at the device (us, device clock): {Stats(sendToDevice)}  [{sendToDevice.Count} samples]");
            Console.WriteLine($"  output ready -> frame at the device (us):      {Stats(bridgeShare)}");
            var b = session.Bridges.Single();
            Console.WriteLine($"  bridge: {b.FramesSent} frames sent, {b.FramesRejected} rejected from the device, device reported {b.DeviceFramesBad} bad / {b.DeviceFramesLost} lost");
        }
        Console.WriteLine($"  send -> output ready (us):   {Stats(endToEnd)}");
        Console.WriteLine($"  arrival -> output ready (us): {Stats(inLoop)}");
        Console.WriteLine(string.Create(inv,
            $"  loop: {r.StepsRun} steps, overruns {r.Overruns}, lateness p50 {r.Lateness.ValueAtQuantile(0.5) / 1e3:F1} p99 {r.Lateness.ValueAtQuantile(0.99) / 1e3:F1} p99.9 {r.Lateness.ValueAtQuantile(0.999) / 1e3:F1} max {r.Lateness.Max / 1e3:F1} us; samples without estimate {session.Ingest.SamplesWithoutEstimate}; GCs while sending: {gcs}"));
        return endToEnd.Count > 0 ? 0 : 1;
    }

    private static string Stats(List<double> values)
    {
        if (values.Count == 0)
        {
            return "no data";
        }
        values.Sort();
        double P(double q) => values[Math.Min(values.Count - 1, (int)(q * values.Count))];
        return string.Create(CultureInfo.InvariantCulture, $"p50 {P(0.5):F0}, p90 {P(0.9):F0}, p99 {P(0.99):F0}, p99.9 {P(0.999):F0}, max {values[^1]:F0}");
    }
}
