using ClosedLoop.Core.Configuration;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Modulation.Configuration;
using ClosedLoop.Modulation.Photometry;
using Xunit;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Modulation.Tests.Photometry;

public sealed class PyPhotometryDecoderTests
{
    // Two channels, two sample sets per chunk (4 words), 100 sets/s, 0.0001 V per count.
    private static readonly PyPhotometryDecoderOptions s_small = new()
    {
        WordsPerChunk = 4, AnalogChannels = 2, SampleRateHz = 100, VoltsPerCount = 1e-4,
    };

    // The pyPhotometry board frame, byte by byte (all little-endian):
    private static readonly byte[] s_vector =
    [
        0x07,       // start byte
        0x34, 0x12, // chunk number 0x1234 = 4660
        0x76, 0x17, // checksum 0x1776 = 6006 = 2001 + 1000 + 2002 + 1003
        0xD1, 0x07, // word 2001 = 0x07D1: set 0, channel 0: value 1000 (bits 15..1), digital 1 (bit 0)
        0xE8, 0x03, // word 1000 = 0x03E8: set 0, channel 1: value 500, digital 0
        0xD2, 0x07, // word 2002 = 0x07D2: set 1, channel 0: value 1001, digital 0
        0xEB, 0x03, // word 1003 = 0x03EB: set 1, channel 1: value 501, digital 1
    ];

    [Fact]
    public void Feed_ByteExactVector_DecodesValuesChannelsTimesAndDigitalBits()
    {
        var decoder = new PyPhotometryDecoder(s_small);
        var sink = new CollectingSink();
        decoder.Feed(s_vector, sink);

        Assert.Empty(sink.Errors);
        Assert.Equal(4, sink.Samples.Count);
        double[] values = [0.1000, 0.0500, 0.1001, 0.0501];
        byte[] channels = [0, 1, 0, 1];
        double[] times = [0.0, 0.0, 0.01, 0.01];
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(values[i], sink.Samples[i].Value, 12);
            Assert.Equal(channels[i], sink.Samples[i].Channel);
            Assert.Equal(times[i], sink.Samples[i].SourceTimeSeconds, 12);
            Assert.Equal((ulong)i, sink.Samples[i].Sequence);
            Assert.Equal(ArousalSourceKind.Photometry, sink.Samples[i].Kind);
        }
        Assert.Equal([false, true], decoder.DigitalInputs); // newest set: channel 0 digital 0, channel 1 digital 1
        Assert.Equal(1, decoder.FramesDecoded);
        // The test-side writer produces the same bytes (it is used by the other tests).
        Assert.Equal(s_vector, FrameWriter.Frame(0x1234, [FrameWriter.Word(1000, true), FrameWriter.Word(500), FrameWriter.Word(1001), FrameWriter.Word(501, true)]));
    }

    [Fact]
    public void Feed_OneByteAtATime_SameSamplesAsWholeFrame()
    {
        var decoder = new PyPhotometryDecoder(s_small);
        var sink = new CollectingSink();
        foreach (var b in s_vector)
        {
            decoder.Feed([b], sink);
        }
        Assert.Equal(4, sink.Samples.Count);
        Assert.Equal(0.0501, sink.Samples[3].Value, 12);
        Assert.Empty(sink.Errors);
    }

    [Fact]
    public void Feed_BadChecksum_DropsChunkReportsMalformedThenGap()
    {
        var decoder = new PyPhotometryDecoder(s_small);
        var sink = new CollectingSink();
        decoder.Feed([.. FrameWriter.Counting(10, 2), .. FrameWriter.Counting(11, 2, checksumOverride: 0xBEEF), .. FrameWriter.Counting(12, 2)], sink);

        Assert.Equal(8, sink.Samples.Count); // chunks 10 and 12
        Assert.Equal(1, decoder.ChecksumErrors);
        Assert.Equal(2, sink.Errors.Count);
        Assert.Equal(IngestError.Malformed, sink.Errors[0].Error);
        Assert.Contains("chunk 11: checksum 0xBEEF", sink.Errors[0].Detail);
        Assert.Equal(IngestError.SequenceGap, sink.Errors[1].Error);
        Assert.Contains("chunk 12 after 10: 1 chunk(s) lost", sink.Errors[1].Detail);
        // Chunk 12's first set is set index 4 (sets 2, 3 were in the dropped chunk): t = 4 / 100 s.
        Assert.Equal(0.04, sink.Samples[4].SourceTimeSeconds, 12);
        Assert.Equal(1, decoder.LostChunks);
    }

    [Fact]
    public void Feed_ChunkNumberWraps_NoGapReported()
    {
        var decoder = new PyPhotometryDecoder(s_small);
        var sink = new CollectingSink();
        foreach (ushort chunk in new ushort[] { 65534, 65535, 0, 1 })
        {
            decoder.Feed(FrameWriter.Counting(chunk, 2), sink);
        }
        Assert.Empty(sink.Errors);
        Assert.Equal(16, sink.Samples.Count);
        Assert.Equal(0.07, sink.Samples[15].SourceTimeSeconds, 12);
        Assert.Equal(0, decoder.ChunkGaps);
    }

    [Theory]
    [InlineData(5, 8, 2)]
    [InlineData(65535, 1, 1)]   // gap across the wrap: 0 is missing
    [InlineData(100, 99, 65534)] // a chunk number going back is a gap of almost a full wrap (a board restart)
    public void Feed_SkippedChunks_ReportsGapAndAdvancesTime(int first, int second, int lost)
    {
        var decoder = new PyPhotometryDecoder(s_small);
        var sink = new CollectingSink();
        decoder.Feed([.. FrameWriter.Counting((ushort)first, 2), .. FrameWriter.Counting((ushort)second, 2)], sink);
        var gap = Assert.Single(sink.Errors);
        Assert.Equal(IngestError.SequenceGap, gap.Error);
        Assert.Equal(lost, decoder.LostChunks);
        Assert.Equal((2 + 2 * lost) / 100.0, sink.Samples[4].SourceTimeSeconds, 9);
    }

    [Fact]
    public void Feed_JunkThenFalseStart_ResynchronisesOnTheRealFrame()
    {
        var decoder = new PyPhotometryDecoder(s_small);
        var sink = new CollectingSink();
        // 3 junk bytes, then a false start (0x07 followed by 4 bytes), then the real frame.
        decoder.Feed([0x55, 0xAA, 0x00, 0x07, 0x01, 0x02, 0x03, 0x04, .. s_vector], sink);
        Assert.Equal(4, sink.Samples.Count);
        Assert.Equal(0.1000, sink.Samples[0].Value, 12);
        Assert.Equal(1, decoder.ChecksumErrors); // the false start
        Assert.Equal(3 + 4, decoder.ResyncBytes); // junk + the false start's bytes up to the real 0x07
        Assert.All(sink.Errors, e => Assert.Equal(IngestError.Malformed, e.Error));
        Assert.Equal(2, sink.Errors.Count); // one junk run, one checksum
    }

    [Fact]
    public void Feed_PulsedMode_EmitsOnMinusOff()
    {
        var options = s_small with { Pulsed = true, WordsPerChunk = 8 };
        var decoder = new PyPhotometryDecoder(options);
        var sink = new CollectingSink();
        // Set 0: ch0 on 1200 off 200, ch1 on 900 off 100; set 1: ch0 on 1300 off 300, ch1 on 800 off 200.
        ushort[] words = [FrameWriter.Word(1200, true), FrameWriter.Word(200), FrameWriter.Word(900), FrameWriter.Word(100),
            FrameWriter.Word(1300), FrameWriter.Word(300), FrameWriter.Word(800), FrameWriter.Word(200)];
        decoder.Feed(FrameWriter.Frame(1, words), sink);
        Assert.Equal([0.1, 0.08, 0.1, 0.06], sink.Samples.Select(s => Math.Round(s.Value, 9)));
        Assert.Equal([0, 1, 0, 1], sink.Samples.Select(s => (int)s.Channel));
    }

    [Fact]
    public void Feed_PulsedOffAboveOn_ClippedAtZeroAsThePyPhotometrySoftwareDoes()
    {
        var decoder = new PyPhotometryDecoder(s_small with { Pulsed = true, WordsPerChunk = 4 });
        var sink = new CollectingSink();
        // ch0: on 100, off 300 (ambient above the lit signal) -> 0, not -200 counts; ch1: on 900, off 100 -> 800.
        decoder.Feed(FrameWriter.Frame(1, [FrameWriter.Word(100), FrameWriter.Word(300), FrameWriter.Word(900), FrameWriter.Word(100)]), sink);
        Assert.Equal([0.0, 0.08], sink.Samples.Select(x => Math.Round(x.Value, 9)));
    }

    [Fact]
    public void Feed_ThreeColourPulsed_ThreeChannelsOneDigitalLineFromLedOneWord()
    {
        var options = new PyPhotometryAcquisition { Mode = PyPhotometryAcquisition.Pulsed3Ex2Em }.ToDecoderOptions();
        Assert.Equal(6, options.WordsPerChunk);
        var decoder = new PyPhotometryDecoder(options);
        var sink = new EdgeRecorder();
        // One set: (on, off) for LED 1, 2, 3; the digital bit rides on LED 1's on word (Digital 2 drives LED 3).
        decoder.Feed(FrameWriter.Frame(1, [FrameWriter.Word(1000, true), FrameWriter.Word(10), FrameWriter.Word(2000, true), FrameWriter.Word(20),
            FrameWriter.Word(3000), FrameWriter.Word(30)]), sink);
        decoder.Feed(FrameWriter.Frame(2, [FrameWriter.Word(1000), FrameWriter.Word(10), FrameWriter.Word(2000, true), FrameWriter.Word(20),
            FrameWriter.Word(3000), FrameWriter.Word(30)]), sink);
        Assert.Empty(sink.Errors);
        Assert.Equal([990, 1980, 2970, 990, 1980, 2970], sink.Samples.Select(x => (int)Math.Round(x.Value / options.VoltsPerCount)));
        Assert.Equal([(0, true), (0, false)], sink.Edges.Select(e => ((int)e.Line, e.High)));
        Assert.Equal(1 / 86.0, sink.Edges[1].SourceTimeSeconds, 12);
    }

    [Fact]
    public void Feed_BoardTraceback_OneDeviceErrorWithTheTextNotJunk()
    {
        var decoder = new PyPhotometryDecoder(s_small);
        var sink = new CollectingSink();
        byte[] text = "\u0004Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\nMemoryError: memory allocation failed\r\n\u0004>"u8.ToArray();
        decoder.Feed([.. s_vector, .. text[..20]], sink);
        Assert.Empty(sink.Errors); // text incomplete: nothing said yet
        decoder.Feed(text[20..], sink);
        var e = Assert.Single(sink.Errors);
        Assert.Equal(IngestError.DeviceError, e.Error);
        Assert.Equal("pyPhotometry board error: Traceback (most recent call last): | File \"<stdin>\", line 1, in <module> | MemoryError: memory allocation failed", e.Detail);
        Assert.Equal(e.Detail["pyPhotometry board error: ".Length..], decoder.BoardError);
    }

    [Fact]
    public void Feed_LineNoiseBetweenFrames_OneMalformedWithCountAndPreview()
    {
        var decoder = new PyPhotometryDecoder(s_small);
        var sink = new CollectingSink();
        byte[] next = FrameWriter.Counting(0x1235, 2);
        decoder.Feed([.. s_vector, .. "hello"u8, .. next[..3]], sink);
        decoder.Feed(next[3..], sink);
        Assert.Equal(8, sink.Samples.Count);
        var e = Assert.Single(sink.Errors);
        Assert.Equal(IngestError.Malformed, e.Error);
        Assert.Equal("pyPhotometry: 5 byte(s) outside frames skipped (starting \"hello\")", e.Detail);
        Assert.Null(decoder.BoardError);
    }

    [Fact]
    public void Feed_RandomBytes_NeverThrowsAndCountsEveryRejection()
    {
        var decoder = new PyPhotometryDecoder(s_small);
        var sink = new CollectingSink();
        var rng = new Random(42);
        var junk = new byte[200_000];
        rng.NextBytes(junk);
        for (int i = 0; i < junk.Length; i += 1 + rng.Next(64))
        {
            decoder.Feed(junk.AsSpan(i, Math.Min(junk.Length - i, 1 + rng.Next(64))), sink);
        }
        long malformed = sink.Errors.Count(e => e.Error == IngestError.Malformed);
        long gaps = sink.Errors.Count(e => e.Error == IngestError.SequenceGap);
        Assert.True(decoder.ChecksumErrors > 100);
        Assert.True(malformed >= decoder.ChecksumErrors);
        Assert.Equal(decoder.ChunkGaps, gaps);
        Assert.Equal(decoder.FramesDecoded * 4, sink.Samples.Count);
        // Good frames after the noise are found again.
        int before = sink.Samples.Count;
        for (ushort c = 0; c < 4; c++)
        {
            decoder.Feed(FrameWriter.Counting(c, 2), sink);
        }
        Assert.True(sink.Samples.Count - before >= 8, "at least two of four good frames must decode after resync");
    }

    [Fact]
    public void Feed_GoodFrames_AllocatesNothing()
    {
        var options = new PyPhotometryDecoderOptions { WordsPerChunk = 256 }; // 2 channels
        var decoder = new PyPhotometryDecoder(options);
        var frames = Enumerable.Range(0, 1501).Select(c => FrameWriter.Counting((ushort)c, 128)).ToArray(); // consecutive chunks: no errors
        var sink = new CountingSink();
        int k = 0;
        long bytes = SteadyStateAllocation.AfterWarmup(() => decoder.Feed(frames[k++], sink), warmup: 500, repetitions: 1000);
        Assert.Equal(0, bytes);
        Assert.Equal(1501 * 256, sink.Count);
    }

    [Fact]
    public void Constructor_ChunkNotMultipleOfSet_ThrowsNamingField()
    {
        var ex = Assert.Throws<ConfigException>(() => new PyPhotometryDecoder(s_small with { WordsPerChunk = 5 }));
        Assert.Equal("pyphotometry.words_per_chunk", ex.Field);
        Assert.Contains("a multiple of 2", ex.Message);
    }

    private sealed class EdgeRecorder : IArousalSink, IDigitalEdgeSink
    {
        public List<ArousalSample> Samples { get; } = [];

        public List<(IngestError, string)> Errors { get; } = [];

        public List<DigitalEdge> Edges { get; } = [];

        public void OnSample(in ArousalSample sample) => Samples.Add(sample);

        public void OnError(IngestError error, string detail) => Errors.Add((error, detail));

        public void OnDigitalEdge(in DigitalEdge edge) => Edges.Add(edge);
    }

    private sealed class CountingSink : IArousalSink
    {
        public long Count;

        public void OnSample(in ArousalSample sample) => Count++;

        public void OnError(IngestError error, string detail) => throw new InvalidOperationException(detail);
    }
}
