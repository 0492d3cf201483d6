using Xunit;
using static ClosedLoop.Recording.Tests.RecordingWriterTests;
using ClosedLoop.TestSupport;
using ClosedLoop.Recording;

namespace ClosedLoop.Recording.Tests;

public class RecordingReaderTests
{
    private static async Task<(byte[] File, List<long> Blocks, RecordingContents Intact)> MakeLogAsync(int steps = 150)
    {
        using var dir = new TempDirectory();
        string path = dir.File("log.clrec");
        SampleLog.Write(path, steps, blockSize: 1024);
        byte[] file = await File.ReadAllBytesAsync(path);
        RecordingContents intact = await ReadBytesAsync(file);
        Assert.Empty(intact.Damage);
        return (file, SampleLog.BlockOffsets(file), intact);
    }

    private static void AssertRecordsEqual(IEnumerable<LogRecord> expected, IReadOnlyList<LogRecord> actual)
    {
        Assert.Equal(expected.Select(r => (r.Type, r.Step, r.Sequence, Convert.ToHexString(r.Payload.Span))),
            actual.Select(r => (r.Type, r.Step, r.Sequence, Convert.ToHexString(r.Payload.Span))));
    }

    [Fact]
    public async Task Read_TruncatedAtEveryOffsetOfLastBlock_RecoversEarlierBlocksAndReportsTail()
    {
        var (file, blocks, intact) = await MakeLogAsync(steps: 60);
        Assert.True(file.Length - blocks[^1] > 200, $"last block is only {file.Length - blocks[^1]} bytes"); // a sweep worth making

        long last = blocks[^1];
        var before = intact.Records.Where(r => r.BlockOffset < last).ToList();
        long lastCount = intact.Records.Count(r => r.BlockOffset == last);
        for (long cut = last; cut < file.Length; cut++)
        {
            // Every 41st cut also goes through a stream that returns 7 bytes per read.
            RecordingContents log = await ReadBytesAsync(file[..(int)cut], trickle: cut % 41 == 0 ? 7 : 0);
            AssertRecordsEqual(before, log.Records);
            if (cut == last)
            {
                Assert.Empty(log.Damage); // a cut on a block boundary loses nothing the reader could know of
                continue;
            }
            RecordingDamage d = Assert.Single(log.Damage);
            Assert.Equal(DamageKind.Tail, d.Kind);
            Assert.Equal(last, d.Offset);
            Assert.Equal(cut - last, d.Length);
            Assert.Equal(cut - last >= RecordingFormat.BlockHeaderSize ? lastCount : null, d.RecordsLost);
        }
    }

    [Fact]
    public async Task Read_ByteFlippedInMiddleBlock_SkipsOnlyThatBlock()
    {
        var (file, blocks, intact) = await MakeLogAsync();
        int k = blocks.Count / 2;
        long start = blocks[k], end = blocks[k + 1];
        var survivors = intact.Records.Where(r => r.BlockOffset != start).ToList();
        long lost = intact.Records.Count(r => r.BlockOffset == start);
        // Every header and trailer byte, and every 5th payload byte (all of them takes seconds on a shared machine).
        var positions = Enumerable.Range(0, (int)(end - start))
            .Where(i => i < RecordingFormat.BlockHeaderSize || i >= end - start - RecordingFormat.BlockTrailerSize || i % 5 == 0)
            .Select(i => start + i);
        foreach (long at in positions)
        {
            byte[] damaged = (byte[])file.Clone();
            damaged[at] ^= 0x5A;
            RecordingContents log = await ReadBytesAsync(damaged);
            AssertRecordsEqual(survivors, log.Records);
            RecordingDamage d = Assert.Single(log.Damage);
            Assert.Equal(DamageKind.Middle, d.Kind);
            Assert.Equal(start, d.Offset);
            Assert.Equal(end - start, d.Length);
            Assert.Equal(lost, d.RecordsLost);
        }
    }

    [Fact]
    public async Task Read_ByteFlippedInLastBlock_ReportsCrcMismatchAtTail()
    {
        var (file, blocks, intact) = await MakeLogAsync();
        byte[] damaged = (byte[])file.Clone();
        damaged[blocks[^1] + 30] ^= 1;
        RecordingContents log = await ReadBytesAsync(damaged);
        AssertRecordsEqual(intact.Records.Where(r => r.BlockOffset < blocks[^1]), log.Records);
        RecordingDamage d = Assert.Single(log.Damage);
        Assert.Equal((DamageKind.Tail, blocks[^1], file.Length - blocks[^1]), (d.Kind, d.Offset, d.Length));
        Assert.StartsWith("CRC mismatch", d.Reason);
    }

    [Fact]
    public async Task Read_TwoCorruptRegions_ReportsBothAndKeepsTheRest()
    {
        var (file, blocks, intact) = await MakeLogAsync();
        byte[] damaged = (byte[])file.Clone();
        damaged[blocks[2] + 100] ^= 0xFF;
        damaged[blocks[5]] = 0; // breaks the magic of block 5
        damaged[blocks[6] + 50] ^= 0xFF; // block 6 too: one region of two blocks
        RecordingContents log = await ReadBytesAsync(damaged, trickle: 13);
        var lostBlocks = new[] { blocks[2], blocks[5], blocks[6] };
        AssertRecordsEqual(intact.Records.Where(r => !lostBlocks.Contains(r.BlockOffset)), log.Records);
        Assert.Equal(2, log.Damage.Count);
        Assert.Equal((blocks[2], blocks[3] - blocks[2]), (log.Damage[0].Offset, log.Damage[0].Length));
        Assert.Equal((blocks[5], blocks[7] - blocks[5]), (log.Damage[1].Offset, log.Damage[1].Length));
        Assert.Equal(intact.Records.Count(r => r.BlockOffset == blocks[5] || r.BlockOffset == blocks[6]), log.Damage[1].RecordsLost);
        Assert.Equal("no block magic", log.Damage[1].Reason);
    }

    [Fact]
    public async Task Read_ZeroFilledTail_ReportedAsTailDamage()
    {
        var (file, _, intact) = await MakeLogAsync();
        byte[] padded = [.. file, .. new byte[4096]]; // what a filesystem can leave after a crash
        RecordingContents log = await ReadBytesAsync(padded);
        AssertRecordsEqual(intact.Records, log.Records);
        RecordingDamage d = Assert.Single(log.Damage);
        Assert.Equal((DamageKind.Tail, (long)file.Length, 4096L), (d.Kind, d.Offset, d.Length));
    }

    [Fact]
    public async Task Read_NotARecording_ThrowsInvalidData()
    {
        await Assert.ThrowsAsync<InvalidDataException>(() => ReadBytesAsync("hello, this is not a recording at all, honestly"u8.ToArray()));
        await Assert.ThrowsAsync<InvalidDataException>(() => ReadBytesAsync([]));
    }

    [Fact]
    public async Task Read_TrickleStream_SameRecordsAsWholeBuffer()
    {
        var (file, _, intact) = await MakeLogAsync();
        RecordingContents log = await ReadBytesAsync(file, trickle: 3);
        Assert.Empty(log.Damage);
        AssertRecordsEqual(intact.Records, log.Records);
        Assert.Equal(file.Length, log.FileLength);
    }

    [Fact]
    public async Task Read_RandomGarbageWithPlantedMagics_NeverThrowsAndYieldsOnlyRealBlocks()
    {
        var (file, blocks, intact) = await MakeLogAsync(steps: 40);
        var rng = new Random(12345);
        for (int trial = 0; trial < 40; trial++)
        {
            // Valid header and first block, then garbage sprinkled with block magics and plausible lengths,
            // then the rest of the real file: only the real blocks may come out.
            var garbage = new byte[rng.Next(1, 5000)];
            rng.NextBytes(garbage);
            for (int k = 0; k < 10 && garbage.Length > 8; k++)
            {
                int at = rng.Next(0, garbage.Length - 8);
                "CBLK"u8.CopyTo(garbage.AsSpan(at));
                BitConverter.TryWriteBytes(garbage.AsSpan(at + 4), (uint)rng.Next(0, 3000));
            }
            byte[] damaged = [.. file[..(int)blocks[1]], .. garbage, .. file[(int)blocks[1]..]];
            RecordingContents log = await ReadBytesAsync(damaged, trickle: trial % 3 == 0 ? 11 : 0);
            AssertRecordsEqual(intact.Records, log.Records);
            RecordingDamage d = Assert.Single(log.Damage);
            Assert.Equal((DamageKind.Middle, blocks[1], (long)garbage.Length, 0L), (d.Kind, d.Offset, d.Length, d.RecordsLost));
        }
    }
}
