using Xunit;
using System.Buffers.Binary;
using ClosedLoop.Core.Ingest;
using ClosedLoop.TestSupport;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Recording.Tests;

public class RecordingWriterTests
{
    [Fact]
    public async Task WriteThenRead_AllRecords_ComeBackInOrderWithContiguousSequence()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.clrec");
        var expected = SampleLog.Write(path, 500);

        RecordingContents log = await RecordingReader.ReadAllAsync(path);

        Assert.Empty(log.Damage);
        Assert.Equal(expected, log.Records.Select(r => (r.Type, r.Step)).ToList());
        Assert.Equal(Enumerable.Range(0, expected.Count).Select(i => (ulong)i), log.Records.Select(r => r.Sequence));
        Assert.True(log.Blocks > 10, $"expected many 1 KiB blocks, got {log.Blocks}");
        Assert.Equal(new ConfigRecord(SampleLog.Model, SampleLog.ConfigText), ConfigRecord.Decode(log.Records[0].Payload.Span));
        foreach (LogRecord r in log.Records.Where(r => r.Type == RecordType.OutputFrame))
        {
            Assert.False(OutputComparer.TryFindDifference(SampleLog.Frame(r.Step), OutputFrameRecord.Decode(r.Payload.Span).At(r.Step), out var d), d.ToString());
        }
    }

    [Fact]
    public async Task WriteConfig_LargerThanBlock_GetsItsOwnBlockAndReadsBack()
    {
        using var dir = new TempDirectory();
        string path = dir.File("big.clrec");
        string config = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"k{i} = {i}\n")); // ~200 kB, > pipe buffer
        using (var writer = new RecordingWriter(path, new RecordingWriterOptions { BlockSize = 4096 }))
        {
            writer.WriteConfig("m", config);
            writer.Record(0, new MarkerRecord(7));
        }
        RecordingContents log = await RecordingReader.ReadAllAsync(path);
        Assert.Empty(log.Damage);
        Assert.Equal(2, log.Records.Count);
        Assert.Equal(new ConfigRecord("m", config), ConfigRecord.Decode(log.Records[0].Payload.Span));
        Assert.Equal(new MarkerRecord(7, ""), MarkerRecord.Decode(log.Records[1].Payload.Span));
    }

    [Fact]
    public async Task Record_RingFull_DropsAreCountedAndRecorded()
    {
        using var dir = new TempDirectory();
        string path = dir.File("drops.clrec");
        const int attempts = 1000;
        int accepted = 0;
        long dropped;
        // A 2-slot ring and a drain thread that wakes only on dispose: nearly every record must be dropped.
        var options = new RecordingWriterOptions { RingCapacity = 2, PollInterval = TimeSpan.FromHours(1) };
        using (var writer = new RecordingWriter(path, options))
        {
            for (int i = 0; i < attempts; i++)
            {
                if (writer.Record(i, new MarkerRecord(i))) accepted++;
            }
            dropped = writer.Dropped;
        }
        Assert.Equal(attempts, accepted + dropped);
        Assert.True(dropped >= attempts - 4, $"dropped {dropped}");

        RecordingContents log = await RecordingReader.ReadAllAsync(path);
        Assert.Equal(accepted, log.Records.Count(r => r.Type == RecordType.Marker));
        ulong reportedTotal = log.Records.Where(r => r.Type == RecordType.Dropped).Select(r => DroppedRecord.Decode(r.Payload.Span).Total).Max();
        ulong reportedSum = (ulong)log.Records.Where(r => r.Type == RecordType.Dropped).Sum(r => (long)DroppedRecord.Decode(r.Payload.Span).SincePrevious);
        Assert.Equal((ulong)dropped, reportedTotal);
        Assert.Equal((ulong)dropped, reportedSum);
    }

    [Fact]
    public async Task FlushInterval_PartialBlock_ReachesFileWhileWriterStillOpen()
    {
        using var dir = new TempDirectory();
        string path = dir.File("flush.clrec");
        var options = new RecordingWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(20), PollInterval = TimeSpan.FromMilliseconds(2) };
        using var writer = new RecordingWriter(path, options);
        writer.Record(0, new ArousalEstimateRecord(new ArousalEstimate(0.5f, SampleQuality.Good, 1, 2, 3), 1));

        // Await the block with a bounded timeout (the flush interval is 20 ms; allow 5 s on a loaded machine).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (writer.BlocksWritten == 0)
        {
            await Task.Delay(5, timeout.Token);
        }
        byte[] file = await ReadSharedAsync(path);
        RecordingContents log = await ReadBytesAsync(file);
        Assert.Empty(log.Damage);
        Assert.Equal(RecordType.ArousalEstimate, Assert.Single(log.Records).Type);
    }

    [Fact]
    public void Constructor_ExistingFile_RefusesToOverwrite()
    {
        using var dir = new TempDirectory();
        string path = dir.File("exists.clrec");
        File.WriteAllText(path, "precious");
        Assert.Throws<IOException>(() => new RecordingWriter(path));
        Assert.Equal("precious", File.ReadAllText(path));
    }

    [Fact]
    public void Dispose_WritesBlocksWithDocumentedHeader()
    {
        using var dir = new TempDirectory();
        string path = dir.File("layout.clrec");
        using (var writer = new RecordingWriter(path, new RecordingWriterOptions { WriteThrough = true, FsyncEveryBlock = true }))
        {
            writer.Record(41, new MarkerRecord(9));
        }
        byte[] f = File.ReadAllBytes(path);
        // header 48 + block header 20 + record (13 + 4) + CRC 4
        Assert.Equal(48 + 20 + 17 + 4, f.Length);
        Assert.Equal(RecordingFormat.BlockMagic, BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(48)));
        Assert.Equal(41u, BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(52)));      // block length
        Assert.Equal(0ul, BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(56)));      // first record sequence
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(64)));       // record count
        Assert.Equal((byte)RecordType.Marker, f[68]);                                   // record type
        Assert.Equal(4u, BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(69)));       // payload length
        Assert.Equal(41, BinaryPrimitives.ReadInt64LittleEndian(f.AsSpan(73)));        // step
        Assert.Equal(9, BinaryPrimitives.ReadInt32LittleEndian(f.AsSpan(81)));         // marker code
        Assert.Equal(BlockChecksum.Compute(f.AsSpan(48, 37)), BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(85)));
        // The whole block as an independent implementation builds it (Python: struct.pack + zlib.crc32; the
        // vector is in docs/recording.md).
        Assert.Equal("43424C4B2900000000000000000000000100000008040000002900000000000000090000" + "00AEDFA62A",
            Convert.ToHexString(f, 48, 41));
    }

    internal static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var ms = new MemoryStream();
        await s.CopyToAsync(ms);
        return ms.ToArray();
    }

    internal static async Task<RecordingContents> ReadBytesAsync(byte[] file, int trickle = 0)
    {
        Stream stream = trickle > 0 ? new TrickleStream(file, trickle) : new MemoryStream(file);
        await using var reader = new RecordingReader(stream);
        var records = new List<LogRecord>();
        await foreach (LogRecord r in reader.ReadRecordsAsync())
        {
            records.Add(r);
        }
        return new RecordingContents(reader.Header, records, [.. reader.Damage], reader.BlocksRead, reader.BytesRead);
    }
}
