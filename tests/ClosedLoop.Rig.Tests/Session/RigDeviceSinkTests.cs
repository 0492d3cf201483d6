using System.Globalization;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Safety;
using ClosedLoop.Devices.Firmata;
using ClosedLoop.Devices.PulsePal;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Session;
using ClosedLoop.Rig.Tests.Config;
using ClosedLoop.TestSupport;
using ClosedLoop.TestSupport.Devices;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>The configs/sink-*.toml examples, loaded as they are and run as whole rig sessions against fake
/// devices on real pseudo-terminals (the example's port replaced by the pty).</summary>
public sealed class RigDeviceSinkTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Example(string kind) => File.ReadAllText(DocumentedConfigTests.RepoFile($"configs/sink-{kind}.toml"));

    private RigSession Create(string kind, string port, string link) =>
        RigSession.Create(RigTestOptions.Create(_dir.File("run.cllog"), Example(kind).Replace($"\"{port}\"", $"\"{link}\"", StringComparison.Ordinal)));

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

    /// <summary>The governor's device-lost count before a device fault, taken while it is Armed: the count is of onsets, so
    /// a heartbeat that lapsed on its own (a loaded machine) and was still lapsed when the fault came would never count
    /// again, and waiting for a new onset would time out (seen at load 21: "the governor tripped on the stalled board").</summary>
    private static async Task<long> DeviceLostWhileArmed(RigSession session)
    {
        var governor = session.Runtime.Governor;
        while (true)
        {
            await Eventually(() => governor.State == SafetyState.Armed, "the governor armed before the fault");
            long before = governor.Count(GovernorReason.DeviceLost);
            if (governor.State == SafetyState.Armed)
            {
                return before; // armed after the count was read: no device fault was active at that moment
            }
        }
    }

    [Theory]
    [InlineData("pulse-pal", SinkKind.PulsePal)]
    [InlineData("firmata", SinkKind.Firmata)]
    [InlineData("serial", SinkKind.Serial)]
    public void Example_ParsesAndValidatesAsItIs(string kind, SinkKind expected)
    {
        var o = RigConfigParser.Parse(Example(kind));
        Assert.Equal(expected, o.Sinks[0].Kind);
        Assert.Single(o.Sinks, s => s.Heartbeat);
        // the effective config (what a recording holds) reads back to the same sinks
        var again = RigConfigParser.Parse(RigConfigParser.Render(o));
        Assert.Equal(o.Sinks[0].Pins, again.Sinks[0].Pins);
        Assert.Equal(o.Sinks[0] with { Pins = [], PinModes = [], PinChannels = [] }, again.Sinks[0] with { Pins = [], PinModes = [], PinChannels = [] });
    }

    [Fact]
    public async Task PulsePal_IsTheHeartbeat_ArmsPlaysUnderTheCeiling_AndTripsWhenUnplugged()
    {
        string link = _dir.File("pulsepal");
        using var device = new FakePulsePal(link);
        await using var session = Create("pulse-pal", "/dev/ttyACM0", link);
        await session.StartAsync();
        var sink = Assert.IsType<PulsePalSink>(session.DeviceSinks.Single());
        Assert.Same(sink, session.Heartbeat);
        await Eventually(() => session.Runtime.Governor.State == SafetyState.Armed, "the governor armed on the Pulse Pal's acknowledgements");
        await Eventually(() => device.Running(1), "a train on output 1");
        await Task.Delay(300);
        // the governor's amplitude ceiling (100 uA) over the isolator gain (100 uA/V): 1 V, under max_volts = 2
        Assert.InRange(device.MaxRunningVolts, 0, 1.0 + 20.0 / 65535);
        Assert.Equal(0, sink.Clamped);
        Assert.Equal(0, device.Unknown);
        long before = await DeviceLostWhileArmed(session);
        device.Unplug();
        await Eventually(() => session.Runtime.Governor.Count(GovernorReason.DeviceLost) > before
            && session.Runtime.Governor.State == SafetyState.Tripped, "the governor tripped on the lost Pulse Pal");
        device.Replug();
        await Eventually(() => session.Runtime.Governor.State == SafetyState.Armed && device.Running(1), "armed again after the replug");
    }

    [Fact]
    public async Task PulsePal_NeverAcknowledging_TheGovernorNeverArms()
    {
        string link = _dir.File("pulsepal");
        using var device = new FakePulsePal(link) { NeverAcknowledge = true };
        await using var session = Create("pulse-pal", "/dev/ttyACM0", link);
        await session.StartAsync();
        var sink = (PulsePalSink)session.DeviceSinks.Single();
        await Eventually(() => sink.Connections >= 2 && session.Runtime.StepsRun > 1000, "two attempts and 1000 steps");
        Assert.NotEqual(SafetyState.Armed, session.Runtime.Governor.State);
        Assert.Equal(0, device.Triggers);
    }

    [Fact]
    public async Task Firmata_IsTheHeartbeat_ServoAndPwmStayWithinTheChannelLimitsAtTheBoard()
    {
        string link = _dir.File("arduino");
        using var board = new FakeFirmata(link);
        await using var session = Create("firmata", "/dev/ttyACM0", link);
        await session.StartAsync();
        var sink = Assert.IsType<FirmataSink>(session.DeviceSinks.Single());
        Assert.Same(sink, session.Heartbeat);
        await Eventually(() => session.Runtime.Governor.State == SafetyState.Armed, "the governor armed on the board's read-backs");
        await Eventually(() => sink.Writes > 2 && board.PinMode(9) == 4 && board.PinMode(5) == 3, "setpoints at the board");
        await Task.Delay(300);
        // limits 30..150 degrees over 1000..2000 us; duty 0..0.8 of 255
        Assert.InRange(board.MinValue(9), 1167, 1833);
        Assert.InRange(board.MaxValue(9), 1167, 1833);
        Assert.InRange(board.MaxValue(5), 0, 204);
        Assert.True(board.Unknown == 0, string.Join(" | ", board.UnknownLog));
        long before = await DeviceLostWhileArmed(session);
        board.Stalled = true;
        await Eventually(() => session.Runtime.Governor.Count(GovernorReason.DeviceLost) > before, "the governor tripped on the stalled board");
    }

    [Fact]
    public async Task Serial_LinesCarryTheGovernedFrame()
    {
        string link = _dir.File("ttl");
        using var rx = new SerialLineReceiver(link);
        await using var session = Create("serial", "/dev/ttyUSB0", link);
        await session.StartAsync();
        await Eventually(() => rx.Lines.Count(l => l.Safety == 0) >= 20, "20 armed lines");
        var limits = session.Options.Runtime.Channels;
        foreach (var line in rx.Lines)
        {
            Assert.Equal(limits.Count, line.Values.Length);
            for (int c = 0; c < limits.Count; c++)
            {
                Assert.InRange(line.Values[c], limits[c].Limits!.Min, limits[c].Limits!.Max);
            }
        }
        Assert.Equal(0, rx.Bad);
    }

    [Theory]
    [InlineData("ua_per_volt = 100", "ua_per_volt = 10", "max_volts")]          // 100 uA / 10 uA/V = 10 V > 2 V
    [InlineData("output_channel = 1", "output_channel = 5", "output_channel")]
    [InlineData("heartbeat = true            # its", "heartbeat = true\nrate_hz_unused = 1 # its", "rate_hz_unused")]
    public void PulsePal_BadValues_AreRefusedNamingTheField(string from, string to, string field)
    {
        var e = Assert.ThrowsAny<Exception>(() => RigConfigParser.Parse(Example("pulse-pal").Replace(from, to, StringComparison.Ordinal)));
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("limits = { min = 30, max = 150", "limits = { min = 30, max = 190", "channel[0].limits")]
    [InlineData("pin_modes = [\"servo\", \"pwm\"]", "pin_modes = [\"servo\", \"dac\"]", "pin_modes[1]")]
    [InlineData("servo_min_pulse_us = 1000", "servo_min_pulse_us = 500", "servo_min_pulse_us")]
    [InlineData("baud = 57600", "baud = 12345", "baud")]
    public void Firmata_BadValues_AreRefusedNamingTheField(string from, string to, string field)
    {
        var e = Assert.ThrowsAny<Exception>(() => RigConfigParser.Parse(Example("firmata").Replace(from, to, StringComparison.Ordinal)));
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serial_AsTheHeartbeat_IsRefused()
    {
        string toml = Example("serial").Replace("rate_hz = 200", "rate_hz = 200\nheartbeat = true", StringComparison.Ordinal)
            .Replace("kind = \"simulated\"\nheartbeat = true", "kind = \"simulated\"", StringComparison.Ordinal);
        var e = Assert.ThrowsAny<Exception>(() => RigConfigParser.Parse(toml));
        Assert.Contains("heartbeat", e.Message, StringComparison.Ordinal);
    }
}
