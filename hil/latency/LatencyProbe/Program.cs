using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ClosedLoop.Contracts.V1;
using ClosedLoop.Core.Time;
using ClosedLoop.Hil.Latency;
using ClosedLoop.Transport.Grpc.Hosting;
using ClosedLoop.Transport.Zmq.Samples;
using Grpc.Net.Client;

// Usage: LatencyProbe zmq|grpc [rateHz=1000] [count=5000]
//        LatencyProbe --grpc-sender ADDRESS rateHz count   (the external sender process for grpc)
var inv = CultureInfo.InvariantCulture;
ClosedLoop.Transport.Zmq.ZmqBuffers.UsePool(); // before any NetMQ socket (ZmqBuffers: a later switch can crash NetMQ)
if (args.Length >= 4 && args[0] == "--grpc-sender")
{
    return await GrpcSendAsync(args[1], double.Parse(args[2], inv), int.Parse(args[3], inv), args.Length > 4 ? args[4] : null);
}
if (args.Length > 0 && args[0].StartsWith("loop-", StringComparison.Ordinal))
{
    // LatencyProbe loop-zmq|loop-grpc|loop-udp [rateHz=1000] [count=5000] [loopHz=10000] [cells=2000]
    return await LoopLatency.RunAsync(args[0]["loop-".Length..], args.Length > 1 ? double.Parse(args[1], inv) : 1000,
        args.Length > 2 ? int.Parse(args[2], inv) : 5000, args.Length > 3 ? double.Parse(args[3], inv) : 10000,
        args.Length > 4 ? int.Parse(args[4], inv) : 2000);
}
string mode = args.Length > 0 ? args[0] : "zmq";
double rate = args.Length > 1 ? double.Parse(args[1], inv) : 1000;
int count = args.Length > 2 ? int.Parse(args[2], inv) : 5000;
int warmup = Math.Max(100, count / 10);
var sink = new LatencySink(count, warmup);
int total = count + warmup;
using var cts = new CancellationTokenSource();
Process sender;
Task run;
await using var server = new ClosedLoopGrpcServerBuilder().Build();
if (mode == "zmq")
{
    int port = Ports.Free();
    string script = Path.Combine(AppContext.BaseDirectory, "zmq_sender.py");
    sender = Start("/usr/bin/python3", script, "--port", port.ToString(inv), "--rate", rate.ToString(inv), "--count", total.ToString(inv));
    await sender.StandardOutput.ReadLineAsync(); // READY
    run = new ZmqSampleSource(new ZmqSampleSourceOptions { Endpoint = $"tcp://127.0.0.1:{port}" }).RunAsync(sink, cts.Token);
}
else
{
    await server.StartAsync();
    run = server.CreateArousalSource().RunAsync(sink, cts.Token);
    sender = Start(Environment.ProcessPath!, typeof(LatencySink).Assembly.Location, "--grpc-sender", server.Address, rate.ToString(inv), total.ToString(inv));
}
var finished = await Task.WhenAny(sink.Done, Task.Delay(TimeSpan.FromSeconds(10 + total / rate)));
cts.Cancel();
await run;
sender.WaitForExit(5000);
var lat = sink.LatenciesUs.ToArray();
Array.Sort(lat);
double P(double q) => lat.Length == 0 ? double.NaN : lat[Math.Min(lat.Length - 1, (int)(q * lat.Length))];
Console.WriteLine(string.Create(inv, $"{mode}: {lat.Length}/{count} samples (after {warmup} warm-up) at {rate} Hz, errors {sink.Errors}; one-way latency us: p50 {P(0.5):F0}, p90 {P(0.9):F0}, p99 {P(0.99):F0}, p99.9 {P(0.999):F0}, max {(lat.Length > 0 ? lat[^1] : double.NaN):F0}"));
return finished == sink.Done ? 0 : 1;

static Process Start(string file, params string[] arguments) => Probe.Start(file, arguments);


static async Task<int> GrpcSendAsync(string address, double rate, int count, string? log)
{
    var sent = new List<(ulong, long)>(count);
    using var channel = GrpcChannel.ForAddress(address);
    // The HTTP/2 connection before the first stamp: otherwise its set-up (0.8 s at load 25) holds the first samples
    // and the queue behind them spills past the probe's exclusion of the first ones (hil/latency/README.md).
    await channel.ConnectAsync();
    using var call = new Ingest.IngestClient(channel).StreamSamples();
    long period = MonoClock.FromSeconds(1 / rate);
    long next = MonoClock.Now;
    for (ulong seq = 1; seq <= (ulong)count; seq++)
    {
        while (MonoClock.Now < next)
        {
            Thread.Yield(); // let the receiver run on a busy machine
        }
        long now = MonoClock.Now;
        sent.Add((seq, now));
        await call.RequestStream.WriteAsync(new ArousalSample
        {
            Value = 0.3 + 0.4 * (seq % 2), Confidence = 1, Kind = SourceKind.External, SourceTimeS = MonoClock.ToSeconds(now), Sequence = seq,
        });
        next += period;
    }
    await call.RequestStream.CompleteAsync();
    if (log is not null)
    {
        await File.WriteAllLinesAsync(log, sent.Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Item1},{x.Item2}")));
    }
    var summary = await call;
    return summary.Accepted == (ulong)count ? 0 : 1;
}
