using ClosedLoop.Core.Ingest;
using ClosedLoop.Modulation.Photometry;
using Xunit;
using ClosedLoop.TestSupport;
using Devices = ClosedLoop.TestSupport.Devices;

namespace ClosedLoop.Modulation.Tests.Photometry;

public sealed class PyPhotometrySourceTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private static readonly PyPhotometryDecoderOptions s_decoder = new()
    {
        WordsPerChunk = 4, AnalogChannels = 2, SampleRateHz = 100, VoltsPerCount = 1e-4,
    };

    [Fact]
    public async Task RunAsync_FramesThroughRealPty_DecodesCountsErrorsAndSendsStop()
    {
        await using var pty = await SocatPty.StartAsync(s_timeout);
        await using var source = new PyPhotometrySource(new PyPhotometrySourceOptions { DevicePath = pty.EndB, Decoder = s_decoder });
        // Chunks 0, 1 good; 2 bad checksum; 3 good (gap: 2 was dropped); 5 good (gap: 4 never sent).
        var sink = new CollectingSink(expectedSamples: 16, expectedErrors: 3);
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, cts.Token);
        await source.Opened.WaitAsync(s_timeout);

        PyPhotometrySource.ConfigureRaw(pty.EndA, 115200);
        await using var board = new FileStream(pty.EndA, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        byte[] stream =
        [
            .. FrameWriter.Counting(0, 2), .. FrameWriter.Counting(1, 2), .. FrameWriter.Counting(2, 2, checksumOverride: 0),
            .. FrameWriter.Counting(3, 2), .. FrameWriter.Counting(5, 2),
        ];
        await board.WriteAsync(stream);
        await board.FlushAsync();

        await sink.Reached.WaitAsync(s_timeout);
        cts.Cancel();
        await run.WaitAsync(s_timeout);

        Assert.Equal(16, sink.Samples.Count);
        Assert.Equal([IngestError.Malformed, IngestError.SequenceGap, IngestError.SequenceGap], sink.Errors.Select(e => e.Error));
        Assert.Equal(1, source.Decoder.ChecksumErrors);
        Assert.Equal(2, source.Decoder.LostChunks);
        Assert.Equal(stream.Length, source.BytesRead);
        // Chunk 5's last set is set index 11 (6 chunks x 2 sets, minus one): t = 0.11 s; its channel-1 value is (5*7+1)+1 counts.
        Assert.Equal(0.11, sink.Samples[^1].SourceTimeSeconds, 9);
        Assert.Equal(37e-4, sink.Samples[^1].Value, 12);
        Assert.Equal(PyPhotometrySource.StopCommand, await ReadOneByteAsync(board, s_timeout));
    }

    [Fact]
    public async Task RunAsync_PeerGoesAway_ReportsDisconnectedAndEnds()
    {
        await using var pty = await SocatPty.StartAsync(s_timeout);
        await using var source = new PyPhotometrySource(new PyPhotometrySourceOptions { DevicePath = pty.EndB, Decoder = s_decoder, SendStopOnExit = false });
        var sink = new CollectingSink(expectedSamples: 0, expectedErrors: 1);
        var run = source.RunAsync(sink, CancellationToken.None);
        await source.Opened.WaitAsync(s_timeout);
        pty.Kill();
        await run.WaitAsync(s_timeout);
        var error = Assert.Single(sink.Errors);
        Assert.Equal(IngestError.Disconnected, error.Error);
    }

    [Fact]
    public async Task RunAsync_PairKilledAndItsTerminalNumberReused_NothingReachesTheOtherPty()
    {
        for (int attempt = 0; ; attempt++)
        {
            var pty = await SocatPty.StartAsync(s_timeout);
            string host = pty.EndB, number = pty.SlaveB!;
            pty.Kill(); // the links go first, then socat and its terminals
            using var other = Devices.Pty.TakeNumberOf(number, Path.Combine(Path.GetTempPath(), "closedloop-other-" + Guid.NewGuid().ToString("N")[..8]));
            if (other is null)
            {
                await pty.DisposeAsync();
                Assert.True(attempt < 20, "another program took the freed number every time");
                continue;
            }
            try
            {
                // Before the pair's folder is deleted (its dispose): only the kill may have removed the link.
                Assert.Null(new FileInfo(host).LinkTarget);
                await using var source = new PyPhotometrySource(new PyPhotometrySourceOptions { DevicePath = host, Decoder = s_decoder });
                var ex = await Assert.ThrowsAnyAsync<IOException>(() => source.RunAsync(new CollectingSink(), CancellationToken.None).WaitAsync(s_timeout));
                Assert.Contains(host, ex.Message, StringComparison.Ordinal);
                Assert.Equal(0, other.Read(new byte[64], 50)); // not the stop byte, not anything
            }
            finally
            {
                await pty.DisposeAsync();
            }
            return;
        }
    }

    [Fact]
    public async Task RunAsync_MissingDevice_FaultsWithClearIOException()
    {
        await using var source = new PyPhotometrySource(new PyPhotometrySourceOptions { DevicePath = "/dev/closedloop-no-such-tty" });
        var ex = await Assert.ThrowsAsync<IOException>(() => source.RunAsync(new CollectingSink(), CancellationToken.None).WaitAsync(s_timeout));
        Assert.Contains("/dev/closedloop-no-such-tty", ex.Message);
        await Assert.ThrowsAsync<IOException>(() => source.Opened);
    }

    private static async Task<byte> ReadOneByteAsync(FileStream stream, TimeSpan timeout)
    {
        // The board end is raw with a 100 ms read timeout (VTIME 1): a read returns 0 when nothing came.
        var buffer = new byte[1];
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            int n = await Task.Run(() => stream.Read(buffer, 0, 1));
            if (n == 1)
            {
                return buffer[0];
            }
        }
        throw new TimeoutException("no byte from the host within " + timeout);
    }
}
