using System.Buffers;
using ClosedLoop.Bridge.Protocol;

namespace ClosedLoop.Bridge.Framing;

/// <summary>A frame taken from the stream: its type, sequence number and body (valid until the next read).</summary>
public readonly ref struct ReceivedFrame
{
    /// <summary>Create a frame view.</summary>
    public ReceivedFrame(MessageType type, ushort seq, ReadOnlySpan<byte> body)
    {
        Type = type;
        Seq = seq;
        Body = body;
    }

    /// <summary>Message type.</summary>
    public MessageType Type { get; }

    /// <summary>Sender's sequence number.</summary>
    public ushort Seq { get; }

    /// <summary>Message body.</summary>
    public ReadOnlySpan<byte> Body { get; }

    /// <summary>Decode the body as <typeparamref name="T"/>.</summary>
    public T Read<T>() where T : struct, IBridgeMessage<T> => T.Read(Body);
}

/// <summary>Outcome of <see cref="FrameDecoder.TryRead"/>.</summary>
public enum FrameReadResult
{
    /// <summary>No complete frame in the buffer yet.</summary>
    NeedMore,

    /// <summary>A valid frame was read.</summary>
    Frame,

    /// <summary>A frame was rejected (counted by its <see cref="FrameError"/>).</summary>
    Rejected,
}

/// <summary>
/// Splits a byte stream (a <see cref="ReadOnlySequence{T}"/> from a pipe) at zero delimiters and checks each frame.
/// Every rejected frame is counted by reason; bytes beyond the longest legal frame are dropped until the next
/// delimiter and that frame counts as <see cref="FrameError.TooLong"/>. Empty frames (two zeros) are skipped.
/// One reader at a time; the counters may be read from any thread.
/// </summary>
public sealed class FrameDecoder
{
    private readonly byte[] _raw = new byte[BridgeProtocol.MaxWire];
    private readonly byte[] _payload = new byte[BridgeProtocol.MaxPayload + BridgeProtocol.CrcSize];
    private readonly long[] _rejected = new long[8];
    private long _accepted;
    private bool _overflow;

    /// <summary>Valid frames read.</summary>
    public long FramesAccepted => Volatile.Read(ref _accepted);

    /// <summary>Frames rejected for <paramref name="error"/>.</summary>
    public long Rejected(FrameError error) => Volatile.Read(ref _rejected[(int)error]);

    /// <summary>All rejected frames.</summary>
    public long RejectedTotal
    {
        get
        {
            long t = 0;
            for (int i = 0; i < _rejected.Length; i++)
            {
                t += Volatile.Read(ref _rejected[i]);
            }
            return t;
        }
    }

    /// <summary>
    /// Read the next frame from <paramref name="buffer"/>, advancing it past what was consumed. On
    /// <see cref="FrameReadResult.Rejected"/>, <paramref name="error"/> says why.
    /// </summary>
    public FrameReadResult TryRead(ref ReadOnlySequence<byte> buffer, out ReceivedFrame frame, out FrameError error)
    {
        frame = default;
        error = FrameError.None;
        while (true)
        {
            var reader = new SequenceReader<byte>(buffer);
            if (!reader.TryReadTo(out ReadOnlySequence<byte> raw, (byte)0, advancePastDelimiter: true))
            {
                if (buffer.Length > BridgeProtocol.MaxWire)
                {
                    _overflow = true;   // a frame longer than any legal one: drop it, count it at its delimiter
                    buffer = buffer.Slice(buffer.End);
                }
                return FrameReadResult.NeedMore;
            }
            buffer = buffer.Slice(reader.Position);
            if (_overflow || raw.Length > BridgeProtocol.MaxWire)
            {
                _overflow = false;
                return Reject(FrameError.TooLong, out error);
            }
            if (raw.Length == 0)
            {
                continue;
            }
            int n = (int)raw.Length;
            raw.CopyTo(_raw);
            error = BridgeFrame.Check(_raw.AsSpan(0, n), _payload, out var type, out ushort seq, out int bodyLength);
            if (error != FrameError.None)
            {
                return Reject(error, out error);
            }
            Interlocked.Increment(ref _accepted);
            frame = new ReceivedFrame(type, seq, _payload.AsSpan(BridgeProtocol.HeaderSize, bodyLength));
            return FrameReadResult.Frame;
        }
    }

    private FrameReadResult Reject(FrameError reason, out FrameError error)
    {
        error = reason;
        Interlocked.Increment(ref _rejected[(int)reason]);
        return FrameReadResult.Rejected;
    }
}
