using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace ClosedLoop.Circuit.Simulation;

/// <summary>
/// A CSV writer that formats numbers straight into a UTF-8 buffer and writes the buffer to the file only
/// when it fills (64 KiB by default). Row writes allocate nothing, so recorders can run inside the
/// simulation loop.
/// </summary>
public sealed class Utf8CsvWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private int _position;
    private bool _atLineStart = true;

    /// <summary>Creates (or truncates) <paramref name="path"/> and writes <paramref name="header"/> as the first line.</summary>
    public Utf8CsvWriter(string path, string header, int bufferBytes = 1 << 16)
        : this(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.SequentialScan), header, bufferBytes)
    {
    }

    /// <summary>Writes to <paramref name="stream"/> (owned: disposed with the writer).</summary>
    public Utf8CsvWriter(Stream stream, string header, int bufferBytes = 1 << 16)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, 256);
        _stream = stream;
        _buffer = new byte[bufferBytes];
        var bytes = Encoding.UTF8.GetBytes(header + "\n");
        _stream.Write(bytes);
    }

    /// <summary>Bytes written to the stream so far (excluding what is still buffered).</summary>
    public long FlushedBytes { get; private set; }

    /// <summary>Appends an integer field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(long value)
    {
        Separator();
        int written;
        while (!value.TryFormat(_buffer.AsSpan(_position), out written, default, CultureInfo.InvariantCulture))
        {
            Flush();
        }
        _position += written;
    }

    /// <summary>Appends a floating-point field with format <paramref name="format"/> (e.g. "F4", "G7").</summary>
    public void Write(double value, string format)
    {
        Separator();
        int written;
        while (!value.TryFormat(_buffer.AsSpan(_position), out written, format, CultureInfo.InvariantCulture))
        {
            Flush();
        }
        _position += written;
    }

    /// <summary>Appends a field of ASCII text prepared earlier (e.g. a variable name).</summary>
    public void Write(ReadOnlySpan<byte> utf8)
    {
        Separator();
        if (_buffer.Length - _position < utf8.Length)
        {
            Flush();
        }
        utf8.CopyTo(_buffer.AsSpan(_position));
        _position += utf8.Length;
    }

    /// <summary>Ends the current row.</summary>
    public void EndRow()
    {
        if (_position == _buffer.Length)
        {
            Flush();
        }
        _buffer[_position++] = (byte)'\n';
        _atLineStart = true;
    }

    /// <summary>Writes buffered bytes to the stream.</summary>
    public void Flush()
    {
        _stream.Write(_buffer, 0, _position);
        FlushedBytes += _position;
        _position = 0;
    }

    /// <summary>Flushes and closes the stream.</summary>
    public void Dispose()
    {
        Flush();
        _stream.Dispose();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Separator()
    {
        if (_atLineStart)
        {
            _atLineStart = false;
            return;
        }
        if (_position == _buffer.Length)
        {
            Flush();
        }
        _buffer[_position++] = (byte)',';
    }
}
