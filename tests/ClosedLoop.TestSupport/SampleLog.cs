using Xunit;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Loop;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.TestSupport;

/// <summary>Writes a small recording with known content through the real writer.</summary>
public static class SampleLog
{
    public const string Model = "test-model";
    public const string ConfigText = "[loop]\nrate_hz = 1000\n";

    /// <summary>Write <paramref name="steps"/> steps (estimate every 3rd, output and timing each step); returns the expected (type, step) list.</summary>
    public static List<(RecordType Type, long Step)> Write(string path, int steps, int blockSize = 1024)
    {
        var expected = new List<(RecordType, long)> { (RecordType.Config, RecordingFormat.NoStep) };
        var options = new RecordingWriterOptions { BlockSize = blockSize, PollInterval = TimeSpan.FromMilliseconds(1) };
        using (var writer = new RecordingWriter(path, options))
        {
            writer.WriteConfig(Model, ConfigText);
            for (long step = 0; step < steps; step++)
            {
                if (step % 3 == 0)
                {
                    Assert.True(writer.Record(step, new ArousalEstimateRecord(new ArousalEstimate(step / (float)steps, SampleQuality.Good, step * 0.001, step * 10, (ulong)step), step / 3 + 1)));
                    expected.Add((RecordType.ArousalEstimate, step));
                }
                Assert.True(writer.Record(step, new RecordedTiming(step * 1000 + 5, step * 1000, 300, long.MinValue, 0, false)));
                expected.Add((RecordType.StepTiming, step));
                Assert.True(writer.Record(step, new OutputFrameRecord(Frame(step))));
                expected.Add((RecordType.OutputFrame, step));
            }
        }
        return expected;
    }

    public static OutputFrame Frame(long step)
    {
        var f = new OutputFrame { Step = step, Ticks = step * 1000, InputSequence = (ulong)(step / 3 * 3), ChannelCount = 2 };
        f.Values[0] = MathF.Sin(step * 0.1f);
        f.Values[1] = step;
        return f;
    }

    /// <summary>File offsets of every block (walking the length fields of an intact file).</summary>
    public static List<long> BlockOffsets(byte[] file)
    {
        var offsets = new List<long>();
        long o = RecordingFormat.FileHeaderSize;
        while (o < file.Length)
        {
            offsets.Add(o);
            o += BitConverter.ToUInt32(file, (int)o + 4);
        }
        Assert.Equal(file.Length, o);
        return offsets;
    }
}
