using System.Globalization;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Safety;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Export;
using ClosedLoop.Recording.Records;
using ClosedLoop.Rig.Replay;
using ClosedLoop.Rig.Session;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>A whole rig session whose governor heartbeat is the real firmware, running as a virtual device on a pty.</summary>
public sealed class RigBridgeSinkTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Link => _dir.File("tty");

    private string DeviceLog => _dir.File("device.csv");

    private string Recording => _dir.File("run.cllog");

    private RigSession Create(TextWriter? log = null) => RigSession.Create(RigTestOptions.Create(Recording, $"""
        [[sink]]
        kind = "bridge"
        port = "{Link}"
        heartbeat = true
        host_timeout_ms = 200
        """), log);

    private static async Task Eventually(Func<bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(Bound);
        while (!condition())
        {
            if (cts.IsCancellationRequested)
            {
                Assert.Fail("timed out waiting for " + what);
            }
            await Task.Delay(5);
        }
    }

    private string[] ArmedLinesAtDevice() =>
        File.Exists(DeviceLog) ? File.ReadAllLines(DeviceLog).Where(l => l.Split(',')[3] == "0").ToArray() : [];

    [Fact]
    public async Task Session_DeviceNeverAcknowledgesLimits_GovernorNeverArms()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link, "--never-ack-limits", "--log", DeviceLog);
        await using var session = Create();
        await session.StartAsync();
        var bridge = session.Bridges.Single();
        Assert.Same(bridge, session.Heartbeat);
        await Eventually(() => bridge.Connections >= 2 && session.Runtime.StepsRun > 1000, "two attempts and 1000 steps");
        Assert.NotEqual(SafetyState.Armed, session.Runtime.Governor.State);
        Assert.Empty(ArmedLinesAtDevice());
    }

    [Fact]
    public async Task Session_DeviceAcceptsLimits_GovernorArmsAndArmedFramesReachTheDeviceWithinLimits()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link, "--log", DeviceLog);
        await using var session = Create();
        await session.StartAsync();
        await Eventually(() => session.Runtime.Governor.State == SafetyState.Armed, "the governor armed");
        await Eventually(() => ArmedLinesAtDevice().Length >= 50, "50 armed frames at the device");
        var limits = session.Options.Runtime.Channels;
        foreach (var line in ArmedLinesAtDevice())
        {
            var v = line.Split(',')[4..].Select(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            for (int c = 0; c < v.Length; c++)
            {
                Assert.InRange(v[c], limits[c].Limits!.Min, limits[c].Limits!.Max);
            }
        }
        var bridge = session.Bridges.Single();
        Assert.True(bridge.ClockOffset is not null);
        string summary = await vd.StopAsync();
        Assert.Contains("0 rejected", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_DeviceEStopInput_LatchesTheSessionEStopLikeTheOperatorControl()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link, "--log", DeviceLog);
        await using var session = Create();
        await session.StartAsync();
        await Eventually(() => session.Runtime.Governor.State == SafetyState.Armed, "the governor armed");
        vd.Signal(10); // SIGUSR1: the device's e-stop input
        await Eventually(() => session.EStopLatched && session.Runtime.Governor.State == SafetyState.EStop, "the session e-stop");
        Assert.Contains("device e-stop input", session.EStopReason, StringComparison.Ordinal);
        Assert.Equal(1, session.DeviceEStops);
    }

    [Fact]
    public async Task Session_DeviceUnplugged_GovernorTripsOnDeviceLost()
    {
        var vd = await VirtualDevice.StartAsync("--link", Link);
        await using var session = Create();
        await session.StartAsync();
        await Eventually(() => session.Runtime.Governor.State == SafetyState.Armed, "the governor armed");
        long before = session.Runtime.Governor.Count(GovernorReason.DeviceLost);
        await vd.DisposeAsync();
        // No device, no acknowledgement: the governor trips and stays tripped.
        await Eventually(() => session.Runtime.Governor.Count(GovernorReason.DeviceLost) > before
            && session.Runtime.Governor.State == SafetyState.Tripped, "device lost");
        Assert.False(session.Bridges.Single().LimitsAcknowledged);
    }

    [Fact]
    public async Task Session_BridgeWarmedBeforeTheClock_TheDeviceAndTheSinkSeeOnlyTheLoopsFrames()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link, "--log", DeviceLog);
        var session = Create();
        await using (session)
        {
            await session.StartAsync();
            await Eventually(() => session.Runtime.Governor.State == SafetyState.Armed && ArmedLinesAtDevice().Length >= 50, "50 armed frames at the device");
        }
        var bridge = session.Bridges.Single();
        // The warm start encoded its 300 scratch frames (numbered 0..299, armed) on a twin: the path ran ...
        Assert.Equal(RigSession.WarmUpFrames - 5, bridge.WarmUpFramesEncoded);
        // ... but the sink counted only the loop's frames (steps 0..StepsRun, the final safe frame included), and the device
        // logged each frame it applied once, in step order: scratch frames written to the port would repeat steps.
        long published = session.Runtime.Outputs.WrittenCount;
        Assert.InRange(bridge.FramesReceived, 1, published);
        Assert.Equal(bridge.FramesReceived, bridge.FramesSent + bridge.FramesSkipped);
        var steps = File.ReadAllLines(DeviceLog).Select(l => long.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.True(steps.Zip(steps.Skip(1)).All(p => p.Second > p.First), "device log steps strictly increasing");
        Assert.Equal(0, bridge.DeviceFramesLost);
        Assert.Equal(0, bridge.DeviceFramesBad);
    }

    [Fact]
    public async Task Session_DeviceStalledThenResumed_RefusesStaleFrames_ConsoleStatusAndRecordingSayStaleOutputWithTheCount()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link, "--log", DeviceLog);
        var console = new StringWriter();
        var log = TextWriter.Synchronized(console);
        var session = Create(log);
        string statusLine;
        DeviceFaultTripSnapshot trip;
        await using (session)
        {
            await session.StartAsync();
            await Eventually(() => session.Runtime.Governor.State == SafetyState.Armed, "the governor armed");
            Assert.Null(session.LastDeviceFault);
            // Stopped for at least 200 ms: the host keeps writing frames into its terminal; resumed, the device reads frames
            // produced up to 200 ms earlier and refuses those older than max_frame_age_ms (100) by their stamp.
            vd.Signal(19); // SIGSTOP
            long resumeAt = Environment.TickCount64 + 200;
            while (Environment.TickCount64 < resumeAt)
            {
                await Task.Delay(10);
            }
            vd.Signal(18); // SIGCONT
            await Eventually(() => session.DeviceFaultTrips >= 1 && console.ToString().Contains("DEVICE FAULT", StringComparison.Ordinal), "the fault said");
            var t = session.Bridges.Single().LastFaultTrip!;
            trip = new(t.Tripped, t.OutputsStale, t.FramesBad, t.FramesLost);
            statusLine = session.GetStatus().ToStatusLine();
        }
        Assert.True((trip.Tripped & Bridge.Protocol.Faults.StaleOutput) != 0, $"tripped {trip.Tripped}");
        Assert.True(trip.OutputsStale >= 1, $"outputs_stale {trip.OutputsStale}");
        string counters = $"outputs_stale {trip.OutputsStale}, frames_bad {trip.FramesBad}, frames_lost {trip.FramesLost}";
        string name = Bridge.DeviceFaultTrip.Names(trip.Tripped);
        Assert.StartsWith("STALE_OUTPUT", name, StringComparison.Ordinal);

        // Console: one line naming the fault, what it means and the device's counters, said once (repeats are summarised).
        var lines = console.ToString().Split('\n').Where(l => l.StartsWith("DEVICE FAULT", StringComparison.Ordinal)).ToArray();
        Assert.Contains(lines, l => l.Contains($"{name}: the device refused output frames older than max_frame_age_ms", StringComparison.Ordinal)
            && l.Contains(counters, StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains(name + ":", StringComparison.Ordinal) && !l.Contains("more like it", StringComparison.Ordinal));
        // Status line.
        Assert.Contains($"| DEVICE FAULT {session.Bridges.Single().Name} {name} ({counters})", statusLine, StringComparison.Ordinal);

        // Recording: a DeviceFault marker with the fault and the counters as key=value, the counters at the end.
        var contents = await RecordingReader.ReadAllAsync(Recording);
        var notes = contents.Records.Where(r => r.Type == RecordType.Marker).Select(r => MarkerRecord.Decode(r.Payload.Span)).ToArray();
        var fault = notes.First(m => m.Code == MarkerCode.DeviceFault);
        Assert.Contains($" {name} outputs_stale={trip.OutputsStale} frames_bad={trip.FramesBad} frames_lost={trip.FramesLost} ", fault.Note, StringComparison.Ordinal);
        var end = notes.Single(m => m.Code == MarkerCode.DeviceCounters);
        Assert.Matches(@"outputs_stale=(\d+)", end.Note);
        long staleAtEnd = long.Parse(System.Text.RegularExpressions.Regex.Match(end.Note!, @"outputs_stale=(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(staleAtEnd >= trip.OutputsStale);

        // Export and replay still handle the recording.
        var sink = new MemoryTableSink();
        await RecordingExporter.RunAsync(Recording, sink);
        Assert.Contains("device_fault", sink.Column<string>("markers", "kind"));
        Assert.Contains("device_counters", sink.Column<string>("markers", "kind"));
        var report = await ReplayEngine.RunAsync(Recording, new RigReplayTarget());
        Assert.True(report.Reproduced, $"first divergence: {report.FirstDivergence}; stop: {report.StopReason}");
    }

    private readonly record struct DeviceFaultTripSnapshot(Bridge.Protocol.Faults Tripped, long OutputsStale, long FramesBad, long FramesLost);
}
