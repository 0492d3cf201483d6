using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;
using ClosedLoop.Rig.Session;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>
/// A whole rig session on a pyPhotometry board (the fake board on a real pty, started through its raw REPL from
/// the rig TOML): in every mode the loop arms with zero ingest errors, and the recording holds the raw samples and
/// the digital edges. A .ppd file replays as a recorded source.
/// </summary>
public sealed class PyPhotometrySessionTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(40);
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-ppsession-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("2EX_2EM_continuous")]
    [InlineData("2EX_1EM_pulsed")]
    [InlineData("2EX_2EM_pulsed")]
    [InlineData("3EX_2EM_pulsed")]
    public async Task Session_FakeBoardInEachMode_ArmsWithZeroErrorsAndRecordsEdges(string mode)
    {
        await using var board = await FakePyboard.StartAsync(Path.Combine(_dir, "flash"));
        string rec = Path.Combine(_dir, "pp.cllog");
        var options = RigTestOptions.Create(rec, $"""
            [source.py_photometry]
            mode = "{mode}"
            led1_current_ma = 15
            led2_current_ma = 25
            """, source: "py-photometry", sourceKeys: $"device = \"{board.Link}\"");
        var session = RigSession.Create(options);
        await using (session)
        {
            await session.StartAsync();
            var armed = await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed && f.InputSequence > 0, s_timeout);
            await session.Device.WaitForFrameAsync(f => f.Step > armed.Step + 200, s_timeout);
            foreach (var e in Enum.GetValues<IngestError>())
            {
                Assert.True(session.Ingest.ErrorCount(e) == 0, $"{e}: {session.Ingest.ErrorCount(e)} ({session.Ingest.LastErrorDetail})");
            }
            Assert.True(session.Ingest.SamplesReceived > 0);
        }
        await board.WaitForLogAsync("STOP byte received", s_timeout);
        Assert.Contains(board.Log, l => l.Contains($"Board('{mode}', 197, 324)", StringComparison.Ordinal)); // 12.72 mA^-1 x 15 + 6.26, x 25 + 6.26

        var contents = await RecordingReader.ReadAllAsync(rec);
        Assert.Empty(contents.Damage);
        Assert.Contains(contents.Records, r => r.Type == RecordType.InputSample);
        Assert.DoesNotContain(contents.Records, r => r.Type == RecordType.Marker && MarkerRecord.Decode(r.Payload.Span).Code is >= MarkerCode.IngestErrorBase and < MarkerCode.IngestErrorBase + 10); // ingest errors only (100+ are other notes, e.g. 106 the loop's scheduling)
        var edges = contents.Records.Where(r => r.Type == RecordType.DigitalEdge).Select(r => DigitalEdgeRecord.Decode(r.Payload.Span).Edge).ToList();
        Assert.Contains(edges, e => e.Line == 0 && e.High);
        Assert.All(edges, e => Assert.Equal(ArousalSourceKind.Photometry, e.Kind));
        Assert.Contains($"mode = \"{mode}\"", ConfigRecord.Decode(contents.Records.First(r => r.Type == RecordType.Config).Payload.Span).ConfigText);
    }

    [Fact]
    public async Task Session_PpdFile_ReplaysAsRecordedSourceAndArms()
    {
        // A version 1.1 file in 2EX_2EM_pulsed mode: (LED on, baseline) pairs; 130 Hz, 20 s.
        string ppd = Path.Combine(_dir, "mouse1-2026-01-01-120000.ppd");
        WritePpd(ppd, seconds: 60); // replayed in real time: it must outlast the wait below
        string rec = Path.Combine(_dir, "ppd.cllog");
        var options = RigTestOptions.Create(rec, "", source: "recorded", sourceKeys: $"path = \"{ppd}\"\nspeed = 1");
        await using var session = RigSession.Create(options);
        await session.StartAsync();
        await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed && f.InputSequence > 0, s_timeout);
        Assert.Equal(0, session.Ingest.ErrorCount(IngestError.Malformed));
    }

    internal static void WritePpd(string path, int seconds)
    {
        string header = """{"subject_ID": "mouse1", "date_time": "2026-01-01T12:00:00.000", "end_time": "2026-01-01T12:00:20.000", "n_analog_signals": 2, "n_digital_signals": 2, "mode": "2EX_2EM_pulsed", "sampling_rate": 130, "volts_per_division": [0.00010122, 0.00010122], "ADC_max_value": 32768, "LED_current": [10, 10], "version": "1.1"}""";
        using var f = File.Create(path);
        byte[] h = System.Text.Encoding.UTF8.GetBytes(header);
        f.Write([(byte)h.Length, (byte)(h.Length >> 8)]);
        f.Write(h);
        for (int i = 0; i < 130 * seconds; i++)
        {
            int signal = 12000 + (int)(2000 * Math.Sin(i / 130.0));
            foreach (int w in new[] { (signal << 1) | (i / 50 % 2), 1000 << 1, 9000 << 1, 1000 << 1 })
            {
                f.Write([(byte)w, (byte)(w >> 8)]);
            }
        }
    }
}
