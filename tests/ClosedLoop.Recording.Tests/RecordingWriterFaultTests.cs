using System.Diagnostics;
using Xunit;
using ClosedLoop.TestSupport;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Recording.Tests;

/// <summary>Real write failures from the OS (Linux): a full device and a pipe whose reader went away.</summary>
public class RecordingWriterFaultTests
{
    [Fact]
    public void Constructor_DeviceFull_ThrowsIOException()
    {
        // /dev/full fails every write with ENOSPC: the header write in the constructor must surface it.
        Assert.ThrowsAny<IOException>(() => new RecordingWriter("/dev/full", new RecordingWriterOptions { FailIfExists = false }));
    }

    [Fact]
    public async Task Drain_ReaderOfPipeGone_FaultIsReportedAndProducerKeepsRunning()
    {
        using var dir = new TempDirectory();
        string fifo = dir.File("pipe.clrec");
        using (var mk = Process.Start("mkfifo", fifo))
        {
            await mk.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, mk.ExitCode);
        }
        // Opening a FIFO blocks until both ends are open: open the reader concurrently.
        var readerOpen = Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Read));
        var options = new RecordingWriterOptions { FailIfExists = false, BlockSize = 1024, FlushInterval = TimeSpan.FromMilliseconds(5), PollInterval = TimeSpan.FromMilliseconds(1) };
        using var writer = new RecordingWriter(fifo, options);
        FileStream reader = await readerOpen.WaitAsync(TimeSpan.FromSeconds(10));
        var header = new byte[RecordingFormat.FileHeaderSize];
        await reader.ReadExactlyAsync(header).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(RecordingHeader.TryParse(header, out _, out _));
        await reader.DisposeAsync(); // the consumer goes away: the next block write fails with EPIPE

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        long step = 0;
        while (writer.Fault is null)
        {
            Assert.True(writer.Record(step++, new MarkerRecord(1)) || writer.Dropped > 0);
            await Task.Delay(1, timeout.Token);
        }
        Assert.IsAssignableFrom<IOException>(writer.Fault);
        for (int i = 0; i < 100; i++)
        {
            writer.Record(step++, new MarkerRecord(2)); // the producer is unaffected
        }
        writer.Dispose();
        Assert.Equal(step, writer.RecordsWritten + writer.RecordsLostToFault + writer.Dropped);
        Assert.True(writer.RecordsLostToFault > 0);
    }
}
