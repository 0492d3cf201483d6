using System.Net;
using System.Net.Sockets;
using ClosedLoop.Contracts.Ingest;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using Wire = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Transport.Udp;

/// <summary>
/// The loop-polled ingest: a non-blocking UDP socket the real-time thread drains at the start of every step, so a
/// co-located producer reaches the loop with no thread hop (sender, kernel, loop). Each datagram is one protobuf
/// <c>closedloop.v1.ArousalSample</c> (the same message as gRPC and ZeroMQ ingest) of kind EXTERNAL, whose value is
/// the arousal itself (0..1): conditioning would put work on the loop thread, so a producer of raw pupil or
/// photometry values uses the other transports. The same <see cref="SampleValidator"/> and
/// <see cref="IngestCounters"/> as the other transports; a datagram that does not decode, is too large, or is of
/// another kind is counted (as <see cref="IngestError.Malformed"/>) and dropped without an exception.
/// </summary>
/// <remarks>
/// The accept path allocates nothing and takes no lock (tested); the validator's rejection paths format one detail
/// string. Why UDP rather than a shared-memory ring: the kernel does the framing and the queueing (each datagram
/// arrives whole or not at all, a full queue drops datagrams instead of blocking the sender), any language sends it
/// with its standard library, and it works unchanged from another machine; a shared-memory ring would save the
/// system call (about a microsecond) but needs a documented memory layout, explicit memory ordering and a
/// liveness protocol on both sides.
/// </remarks>
public sealed class UdpLoopInput : ILoopPolledInput, IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer;
    private readonly Wire.ArousalSample _wire = new();
    private readonly SampleValidator _validator;
    private readonly ErrorCounter _errors = new();
    private readonly int _maxPerStep;

    /// <summary>Bind <paramref name="endpoint"/> ("host:port"; port 0 picks a free one, see <see cref="LocalEndPoint"/>).</summary>
    /// <param name="endpoint">Address and port to bind, e.g. "127.0.0.1:5558".</param>
    /// <param name="maxDatagramsPerStep">At most this many datagrams are drained per step (bounds the step's ingest work), 1 or more.</param>
    public UdpLoopInput(string endpoint, int maxDatagramsPerStep = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDatagramsPerStep, 1);
        if (!IPEndPoint.TryParse(endpoint, out var ep))
        {
            throw new ArgumentException($"'{endpoint}' is not host:port (an IP address and a port)", nameof(endpoint));
        }
        _maxPerStep = maxDatagramsPerStep;
        _buffer = new byte[MaxDatagramBytes + 1]; // one more: a datagram that fills it was too long
        _validator = new SampleValidator(Counters, details: false);
        _socket = new Socket(ep.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        _socket.Bind(ep);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    /// <summary>Largest datagram accepted, bytes (an ArousalSample is at most 50).</summary>
    public const int MaxDatagramBytes = 256;

    /// <summary>The bound address and port.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Received, accepted and per-error counts (thread-safe reads).</summary>
    public IngestCounters Counters { get; } = new();

    /// <summary>Short name for status lines.</summary>
    public string Name => $"udp:{LocalEndPoint}";

    /// <inheritdoc />
    public bool TryPoll(long nowTicks, out ArousalEstimate estimate)
    {
        estimate = default;
        bool any = false;
        for (int k = 0; k < _maxPerStep; k++)
        {
            int n = _socket.Receive(_buffer, SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock)
            {
                break;
            }
            long arrival = MonoClock.Now;
            if (error != SocketError.Success || n > MaxDatagramBytes || !ArousalSampleWireReader.TryRead(_buffer.AsSpan(0, n), _wire))
            {
                // MessageSize (truncated), an oversize or undecodable datagram, or an ICMP error: count, drop, go on.
                Counters.CountReceived();
                Counters.Count(IngestError.Malformed);
                continue;
            }
            if (_validator.Check(_wire, arrival, _errors, out var sample, out _) == SampleVerdict.Reject)
            {
                continue;
            }
            if (sample.Kind != ArousalSourceKind.External)
            {
                Counters.Count(IngestError.Malformed);
                continue;
            }
            Counters.CountAccepted();
            var quality = sample.Confidence < 1f ? SampleQuality.LowConfidence : SampleQuality.Good;
            estimate = new ArousalEstimate((float)sample.Value, quality, sample.SourceTimeSeconds, arrival, sample.Sequence);
            any = true;
        }
        return any;
    }

    /// <summary>Close the socket.</summary>
    public void Dispose() => _socket.Dispose();

    /// <summary>Takes the validator's error reports: they are already counted in <see cref="Counters"/>.</summary>
    private sealed class ErrorCounter : IArousalSink
    {
        public void OnSample(in ArousalSample sample)
        {
        }

        public void OnError(IngestError error, string detail)
        {
        }
    }
}
