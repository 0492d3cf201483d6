using System.Text;
using ClosedLoop.Core.Diagnostics;

using ClosedLoop.Circuit.Simulation;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Circuit.Tests.Simulation;

public class Utf8CsvWriterTests
{
    [Fact]
    public void Write_RowsLargerThanBuffer_ProducesExactCsvText()
    {
        var stream = new MemoryStream();
        var expected = new StringBuilder("t_ms,neuron\n");
        using (var writer = new Utf8CsvWriter(new KeepOpenStream(stream), "t_ms,neuron", bufferBytes: 256))
        {
            for (int k = 0; k < 1000; k++)
            {
                writer.Write(k * 0.1, "F4");
                writer.Write(k * 7L);
                writer.EndRow();
                expected.Append(System.Globalization.CultureInfo.InvariantCulture, $"{k * 0.1:F4},{k * 7}\n");
            }
        }

        Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void Write_SteadyState_AllocatesNothing()
    {
        using var writer = new Utf8CsvWriter(Stream.Null, "a,b,c", bufferBytes: 4096);
        var name = "v"u8.ToArray();
        long bytes = SteadyStateAllocation.Measure(() =>
        {
            writer.Write(1234.5678, "F4");
            writer.Write(42L);
            writer.Write(name);
            writer.Write(-65.123f, "G7");
            writer.EndRow();
        }, 10_000).Bytes;

        Assert.Equal(0, bytes);
    }

    /// <summary>Lets the test read the MemoryStream after the writer disposed its stream.</summary>
    private sealed class KeepOpenStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
