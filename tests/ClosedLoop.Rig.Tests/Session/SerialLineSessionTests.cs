using System.Globalization;
using ClosedLoop.Bridge.Links;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Session;
using ClosedLoop.Rig.Tests.Config;
using ClosedLoop.TestSupport;
using ClosedLoop.TestSupport.Devices;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>
/// configs/source-serial-line.toml as it is (its device replaced by a real pseudo-terminal): one microcontroller on
/// one port streams arousal lines into the session, takes the serial sink's output lines on the same port, and its
/// e-stop line latches the session's e-stop.
/// </summary>
public sealed class SerialLineSessionTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task Eventually(Func<bool> condition, string what)
    {
        long deadline = Environment.TickCount64 + (long)Bound.TotalMilliseconds; // monotonic
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail("timed out waiting for " + what);
            }
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task SerialLine_ArousalInLinesOutOnOnePort_TheEStopLineLatchesAndNeitherAResetNorTheReleaseRestarts()
    {
        string link = _dir.File("mcu");
        using var mcu = new SerialLineReceiver(link);
        string toml = File.ReadAllText(DocumentedConfigTests.RepoFile("configs/source-serial-line.toml"))
            .Replace("\"/dev/ttyUSB0\"", $"\"{link}\"", StringComparison.Ordinal);
        // The example's [source] keys and the rest (its [direct] and [[sink]] tables) into the small test rig.
        int rest = toml.IndexOf("[direct]", StringComparison.Ordinal);
        string sourceKeys = toml[(toml.IndexOf("[source]", StringComparison.Ordinal) + "[source]".Length)..rest]
            .Replace("kind = \"serial-line\"", "", StringComparison.Ordinal);
        await using var session = RigSession.Create(RigTestOptions.Create(_dir.File("run.cllog"), toml[rest..], source: "serial-line", sourceKeys: sourceKeys));
        Assert.Equal(SourceKind.SerialLine, session.Options.Source);
        Assert.Equal(0, session.Options.SourceEStopLine);
        await session.StartAsync();

        // The microcontroller streams arousal at 100 Hz until the test ends.
        using var stop = new CancellationTokenSource();
        const double Arousal = 0.3;
        var feeder = Task.Run(async () =>
        {
            for (long seq = 1; !stop.IsCancellationRequested; seq++)
            {
                mcu.SendLine(string.Create(CultureInfo.InvariantCulture, $"CLA,{seq},{seq * 0.01:F2},{Arousal}"));
                await Task.Delay(10);
            }
        });
        try
        {
            await Eventually(() => session.Ingest.SamplesReceived >= 20, "arousal lines in the session");
            await Eventually(() => Math.Abs(session.LatestArousal - Arousal) < 1e-6, "the sent arousal offered to the loop");
            await Eventually(() => mcu.Lines.Count(l => l.Safety == 0) >= 20, "armed output lines back on the same port");
            Assert.Equal(0, mcu.Bad);
            Assert.Equal(2, SharedPort.Find(link)?.Users); // the source and the sink share one open port
            Assert.Equal(1, Pty.DescriptorsOn(mcu.SlavePath!));
            Assert.Equal(0, session.Ingest.ErrorCount(Core.Ingest.IngestError.Malformed));

            mcu.SendLine("CLD,1,1,5.0"); // another line: recorded, not an e-stop
            mcu.SendLine("CLD,0,1,5.01"); // the e-stop button
            await Eventually(() => session.EStopLatched, "the e-stop latched by the device's line");
            Assert.Contains("e-stop line 0", session.EStopReason, StringComparison.Ordinal);
            Assert.Equal(1, session.DeviceEStops);
            await Eventually(() => session.Runtime.Governor.State == SafetyState.EStop, "the governor in e-stop");
            int atEStop = mcu.Lines.Count;
            await Eventually(() => mcu.Lines.Skip(atEStop).Count(l => l.Safety == (int)SafetyState.EStop) >= 10, "e-stop lines at the device");

            session.ResetEStop(); // the button still pressed: the latch is cleared, Start is refused
            Assert.False(session.EStopLatched);
            Assert.True(session.Held);
            Assert.True(session.HardwareEStopHeld);
            Assert.False(session.Resume());
            mcu.SendLine("CLD,0,0,6.0"); // released: that alone restarts nothing
            await Eventually(() => !session.HardwareEStopHeld, "the line's release seen");
            int atReset = mcu.Lines.Count;
            await Eventually(() => mcu.Lines.Count >= atReset + 40, "lines after the reset");
            Assert.All(mcu.Lines.Skip(atReset), l => Assert.NotEqual(0, l.Safety)); // no armed line: no stimulation
            Assert.NotEqual(SafetyState.Armed, session.Runtime.Governor.State);

            Assert.True(session.Resume()); // the operator's Start
            await Eventually(() => mcu.Lines.Skip(atReset).Any(l => l.Safety == 0), "armed again after Start");
            Assert.Equal(1, session.DeviceEStops);
        }
        finally
        {
            await stop.CancelAsync();
            await feeder;
        }
    }

    [Theory]
    [InlineData("kind = \"pulse-pal\"\nport = \"/dev/ttyUSB0\"\nua_per_volt = 100", "sink[0].port")]
    [InlineData("kind = \"serial\"\nport = \"/dev/ttyUSB0\"\nbaud = 57600", "sink[0].baud")]
    public void SerialLine_ADeviceItCannotShare_IsRefusedNamingTheField(string sink, string field)
    {
        string toml = $"""
            [source]
            kind = "serial-line"
            device = "/dev/ttyUSB0"
            [[sink]]
            {sink}
            [[sink]]
            kind = "simulated"
            heartbeat = true
            """;
        var e = Assert.ThrowsAny<Exception>(() => RigConfigParser.Parse(toml));
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SerialLine_WithoutADevice_IsRefused()
    {
        var e = Assert.ThrowsAny<Exception>(() => RigConfigParser.Parse("[source]\nkind = \"serial-line\"\n"));
        Assert.Contains("source.device", e.Message, StringComparison.Ordinal);
    }
}
