using ClosedLoop.Bridge.Links;

namespace ClosedLoop.Devices;

/// <summary>
/// The link a driver's warm start talks to (<c>ISink.WarmUp</c>): writes land in a reused in-memory buffer, reads
/// return a reply the warm-up scripted (<see cref="SetReply"/>), and an exact read with no script gets
/// <see cref="Acknowledgement"/> bytes. Never a device, never a file descriptor.
/// </summary>
internal sealed class ScratchLink(byte acknowledgement = 1) : IDeviceLink
{
    private readonly byte[] _written = new byte[4096];
    private readonly byte[] _reply = new byte[256];
    private int _replyLength, _replyAt;

    /// <summary>What an exact read with no scripted reply returns, byte by byte.</summary>
    public byte Acknowledgement { get; } = acknowledgement;

    /// <summary>Writes taken.</summary>
    public long Writes { get; private set; }

    /// <summary>Bytes written (kept only until the buffer wraps).</summary>
    public long BytesWritten { get; private set; }

    /// <summary>The next reads return <paramref name="reply"/>.</summary>
    public void SetReply(ReadOnlySpan<byte> reply)
    {
        reply.CopyTo(_reply);
        _replyLength = reply.Length;
        _replyAt = 0;
    }

    /// <inheritdoc/>
    public void Write(ReadOnlySpan<byte> bytes, double timeoutMs = 1000, CancellationToken ct = default)
    {
        int at = (int)(BytesWritten % _written.Length);
        int n = Math.Min(bytes.Length, _written.Length - at);
        bytes[..n].CopyTo(_written.AsSpan(at));
        BytesWritten += bytes.Length;
        Writes++;
    }

    /// <inheritdoc/>
    public int Read(Span<byte> destination, double timeoutMs)
    {
        int n = Math.Min(destination.Length, _replyLength - _replyAt);
        _reply.AsSpan(_replyAt, n).CopyTo(destination);
        _replyAt += n;
        return n;
    }

    /// <inheritdoc/>
    public void ReadExact(Span<byte> destination, double timeoutMs, string what)
    {
        int n = Read(destination, timeoutMs);
        destination[n..].Fill(Acknowledgement);
    }
}
