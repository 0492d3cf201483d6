using ClosedLoop.Core.Ingest;
using ClosedLoop.Modulation.Photometry;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Modulation.Tests.Photometry;

/// <summary>
/// The source against the fake board (a real pty, MicroPython's raw REPL, our acquisition module uploaded and run):
/// start sequence, every mode, values, digital edges, stop byte, board errors with their text.
/// </summary>
public sealed class PyPhotometryBoardTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-pyboard-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The fake's ADC: every one of the 64 oversampled readings is ambient + the lit LEDs' DAC values, so a 15-bit
    // sample (sum >> 3) is 8 x that, and a pulsed on - off is exactly 8 x the LED's DAC value.
    [Theory]
    [InlineData(PyPhotometryAcquisition.Continuous2Ex2Em, 1000, 40)]
    [InlineData(PyPhotometryAcquisition.Pulsed2Ex1Em, 130, 4)]
    [InlineData(PyPhotometryAcquisition.Pulsed2Ex2Em, 130, 4)]
    [InlineData(PyPhotometryAcquisition.Pulsed3Ex2Em, 86, 6)]
    public async Task Start_EachMode_BoardStreamsAndEverySampleDecodesWithoutError(string mode, int rate, int words)
    {
        var acquisition = new PyPhotometryAcquisition { Mode = mode, Led1CurrentMa = 10, Led2CurrentMa = 20 };
        Assert.Equal(rate, acquisition.EffectiveRateHz);
        Assert.Equal(words, acquisition.WordsPerChunk);
        await using var board = await FakePyboard.StartAsync(Path.Combine(_dir, "flash"));
        await using var source = new PyPhotometrySource(new PyPhotometrySourceOptions { DevicePath = board.Link, Acquisition = acquisition });
        int channels = acquisition.AnalogSignals;
        var sink = new EdgeSink(expectedSamples: channels * rate / 2); // half a second of data
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, cts.Token);
        await source.Opened.WaitAsync(s_timeout);
        await sink.Reached.WaitAsync(s_timeout);
        await cts.CancelAsync();
        await run.WaitAsync(s_timeout);

        Assert.Empty(sink.Errors);
        Assert.Contains(board.Log, l => l.Contains($"_cl_board = _clp.Board('{mode}', 133, 260)", StringComparison.Ordinal));
        Assert.Contains(board.Log, l => l.Contains($"_cl_board.run({rate}, {words}, None)", StringComparison.Ordinal));
        Assert.Contains("closedloop_photometry.py copied", source.StartLog);
        await board.WaitForLogAsync("STOP byte received", s_timeout);

        var samples = sink.Samples;
        double vpc = acquisition.VoltsPerCount;
        for (int i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            Assert.Equal(i % channels, s.Channel);
            Assert.Equal((ulong)i, s.Sequence);
            Assert.Equal(i / channels / (double)rate, s.SourceTimeSeconds, 9);
            if (acquisition.Pulsed)
            {
                int dac = s.Channel switch { 0 => 133, 1 => 260, _ => 600 };
                Assert.Equal(8 * dac * vpc, s.Value, 12);
            }
            else
            {
                int offset = s.Channel == 0 ? 0 : 20;
                Assert.InRange(s.Value, 8 * (200 + offset + 393) * vpc - 1e-9, 8 * (200 + offset + 49 + 393) * vpc + 1e-9);
            }
        }
        // Digital inputs: the first set reports each line's level, then every change; the fake toggles Digital 1 every
        // 37 timer ticks and Digital 2 every 53 (a tick is a set in continuous mode, one LED pulse in pulsed modes).
        var edges = sink.Edges;
        Assert.Equal(Enumerable.Range(0, acquisition.DigitalSignals).Select(d => (byte)d), edges.Take(acquisition.DigitalSignals).Select(e => e.Line));
        foreach (var line in edges.GroupBy(e => e.Line))
        {
            var list = line.ToList();
            Assert.True(list.Count >= 3, $"line {line.Key}: {list.Count} edges in half a second");
            for (int k = 1; k < list.Count; k++)
            {
                Assert.NotEqual(list[k - 1].High, list[k].High);
                Assert.True(list[k].SourceTimeSeconds > list[k - 1].SourceTimeSeconds);
            }
            Assert.All(list, e => Assert.False(e.SyncOut));
        }
    }

    [Fact]
    public async Task Start_SecondTime_ModuleAlreadyOnFlashIsNotCopiedAgain()
    {
        string flash = Path.Combine(_dir, "flash");
        var acquisition = new PyPhotometryAcquisition { Mode = PyPhotometryAcquisition.Pulsed2Ex2Em };
        for (int round = 0; round < 2; round++)
        {
            await using var board = await FakePyboard.StartAsync(flash);
            await using var source = new PyPhotometrySource(new PyPhotometrySourceOptions { DevicePath = board.Link, Acquisition = acquisition });
            var sink = new EdgeSink(expectedSamples: 20);
            using var cts = new CancellationTokenSource();
            var run = source.RunAsync(sink, cts.Token);
            await sink.Reached.WaitAsync(s_timeout);
            await cts.CancelAsync();
            await run.WaitAsync(s_timeout);
            Assert.Empty(sink.Errors);
            Assert.Contains(round == 0 ? "copied" : "already current", source.StartLog);
        }
        Assert.Equal(PyPhotometrySource.ModuleBytes(), File.ReadAllBytes(Path.Combine(flash, PyPhotometrySource.ModuleFileName)));
    }

    [Fact]
    public async Task Start_SyncOut_PulsesArriveAsSyncEdgesOnDigital1()
    {
        var acquisition = new PyPhotometryAcquisition { SyncOut = true, SyncPulseMs = 20, SyncIntervalMinMs = 50, SyncIntervalMaxMs = 100 };
        await using var board = await FakePyboard.StartAsync(Path.Combine(_dir, "flash"));
        await using var source = new PyPhotometrySource(new PyPhotometrySourceOptions { DevicePath = board.Link, Acquisition = acquisition });
        var sink = new EdgeSink(expectedSamples: 2 * 600);
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, cts.Token);
        await sink.Reached.WaitAsync(s_timeout);
        await cts.CancelAsync();
        await run.WaitAsync(s_timeout);

        Assert.Empty(sink.Errors);
        Assert.Contains(board.Log, l => l.Contains("_cl_board.run(1000, 40, (20,50,100))", StringComparison.Ordinal));
        var sync = sink.Edges.Where(e => e.Line == 0).ToList();
        Assert.All(sync, e => Assert.True(e.SyncOut));
        var rises = sync.Where(e => e.High).ToList();
        Assert.True(rises.Count >= 3, $"{rises.Count} sync pulses in 0.6 s");
        // Each pulse lasts 20 samples (20 ms at 1 kHz); pulses start 50..100 ms apart.
        foreach (var rise in rises)
        {
            var fall = sync.FirstOrDefault(e => !e.High && e.SourceTimeSeconds > rise.SourceTimeSeconds);
            if (fall != default)
            {
                Assert.Equal(0.020, fall.SourceTimeSeconds - rise.SourceTimeSeconds, 9);
            }
        }
        for (int k = 1; k < rises.Count; k++)
        {
            Assert.InRange(rises[k].SourceTimeSeconds - rises[k - 1].SourceTimeSeconds, 0.050 - 1e-9, 0.100 + 1e-9);
        }
    }

    [Fact]
    public async Task Run_BoardPrintsTraceback_ReportedOnceWithItsTextAndTheRunEnds()
    {
        await using var board = await FakePyboard.StartAsync(Path.Combine(_dir, "flash"), failAfterTicks: 300);
        await using var source = new PyPhotometrySource(new PyPhotometrySourceOptions
        {
            DevicePath = board.Link, Acquisition = new PyPhotometryAcquisition(),
        });
        var sink = new EdgeSink(expectedSamples: 0);
        var ex = await Assert.ThrowsAsync<PyboardException>(() => source.RunAsync(sink, CancellationToken.None).WaitAsync(s_timeout));
        Assert.Contains("OSError: 5", ex.Message);
        var error = Assert.Single(sink.Errors);
        Assert.Equal(IngestError.DeviceError, error.Error);
        Assert.Contains("Uncaught exception in IRQ callback handler", error.Detail);
        Assert.Contains("OSError: 5", error.Detail);
        Assert.True(sink.Samples.Count > 0, "samples before the failure were decoded");
    }

    [Fact]
    public async Task Start_DeviceThatDoesNotAnswer_FailsNamingTheRawRepl()
    {
        await using var board = await FakePyboard.StartAsync(Path.Combine(_dir, "flash"), silent: true);
        await using var source = new PyPhotometrySource(new PyPhotometrySourceOptions
        {
            DevicePath = board.Link, Acquisition = new PyPhotometryAcquisition { ReplyTimeoutS = 1 },
        });
        var ex = await Assert.ThrowsAsync<PyboardException>(() => source.RunAsync(new EdgeSink(0), CancellationToken.None).WaitAsync(s_timeout));
        Assert.Contains("raw REPL", ex.Message);
        Assert.Contains("sent nothing", ex.Message);
        await Assert.ThrowsAsync<PyboardException>(() => source.Opened);
    }

    [Fact]
    public async Task Open_BoardGoneAndItsTerminalNumberReused_NothingReachesTheOtherPty()
    {
        // A board's terminal number, once the board is gone, goes to the next pty opened anywhere (another test's fake).
        // The source opens the board's link, which went before the terminal: it finds nothing, never the other pty.
        for (int attempt = 0; ; attempt++)
        {
            var board = await FakePyboard.StartAsync(Path.Combine(_dir, "flash"));
            string link = board.Link, number = board.SlavePath;
            Assert.Equal(number, new FileInfo(link).LinkTarget);
            await board.DisposeAsync();
            using var other = TestSupport.Devices.Pty.TakeNumberOf(number, Path.Combine(_dir, "other"));
            if (other is null)
            {
                Assert.True(attempt < 20, "another program took the freed number every time");
                continue;
            }
            Assert.Null(new FileInfo(link).LinkTarget);
            await using var source = new PyPhotometrySource(new PyPhotometrySourceOptions
            {
                DevicePath = link, Acquisition = new PyPhotometryAcquisition { ReplyTimeoutS = 1 },
            });
            var ex = await Assert.ThrowsAnyAsync<IOException>(() => source.RunAsync(new EdgeSink(0), CancellationToken.None).WaitAsync(s_timeout));
            Assert.Contains(link, ex.Message, StringComparison.Ordinal);
            Assert.Equal(0, other.Read(new byte[64], 50)); // not one byte of the raw REPL's start sequence
            return;
        }
    }

    [Theory]
    [InlineData("mode", "4EX_pulsed")]
    [InlineData("sample_rate_hz", "131")]
    [InlineData("led1_current_ma", "201")]
    [InlineData("board_version", "3.0")]
    public void Validate_OutOfRange_NamesTheField(string field, string value)
    {
        var a = field switch
        {
            "mode" => new PyPhotometryAcquisition { Mode = value },
            "sample_rate_hz" => new PyPhotometryAcquisition { Mode = PyPhotometryAcquisition.Pulsed2Ex2Em, SampleRateHz = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
            "led1_current_ma" => new PyPhotometryAcquisition { Led1CurrentMa = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
            _ => new PyPhotometryAcquisition { BoardVersion = value },
        };
        var ex = Assert.Throws<Core.Configuration.ConfigException>(a.Validate);
        Assert.Equal("source.py_photometry." + field, ex.Field);
    }

    [Theory]
    [InlineData(PyPhotometryAcquisition.Continuous2Ex2Em, 0, 1000, 40)]
    [InlineData(PyPhotometryAcquisition.Continuous2Ex2Em, 250, 250, 8)]
    [InlineData(PyPhotometryAcquisition.Continuous2Ex2Em, 99, 99, 4)]
    [InlineData(PyPhotometryAcquisition.Pulsed2Ex1Em, 0, 130, 4)]
    [InlineData(PyPhotometryAcquisition.Pulsed3Ex2Em, 0, 86, 6)]
    [InlineData(PyPhotometryAcquisition.Pulsed3Ex2Em, 20, 20, 6)]
    public void ChunkSize_FollowsThePyPhotometryRule(string mode, int rate, int effective, int words)
    {
        // max(2n, floor(rate / 100) x 2n): the software sizes a chunk to 10 ms of data, at least one set of words.
        var a = new PyPhotometryAcquisition { Mode = mode, SampleRateHz = rate };
        Assert.Equal(effective, a.EffectiveRateHz);
        Assert.Equal(words, a.WordsPerChunk);
    }

    [Fact]
    public void DacValue_FollowsTheBoardCalibration()
    {
        Assert.Equal(0, new PyPhotometryAcquisition().DacValue(0));
        Assert.Equal(133, new PyPhotometryAcquisition().DacValue(10));  // 12.72 x 10 + 6.26 = 133.46
        Assert.Equal(387, new PyPhotometryAcquisition { BoardVersion = "1.0" }.DacValue(10)); // 38.15 x 10 + 6.26 = 387.76
    }

    private sealed class EdgeSink(int expectedSamples) : IArousalSink, IDigitalEdgeSink
    {
        private readonly CollectingSink _inner = new(expectedSamples);
        private readonly List<DigitalEdge> _edges = [];

        public Task Reached => _inner.Reached;

        public IReadOnlyList<ArousalSample> Samples => _inner.Samples;

        public IReadOnlyList<(IngestError Error, string Detail)> Errors => _inner.Errors;

        public IReadOnlyList<DigitalEdge> Edges
        {
            get { lock (_edges) { return _edges.ToArray(); } }
        }

        public void OnSample(in ArousalSample sample) => _inner.OnSample(sample);

        public void OnError(IngestError error, string detail) => _inner.OnError(error, detail);

        public void OnDigitalEdge(in DigitalEdge edge)
        {
            lock (_edges) { _edges.Add(edge); }
        }
    }
}
