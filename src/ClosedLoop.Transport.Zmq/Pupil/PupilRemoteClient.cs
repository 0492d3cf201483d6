using System.Globalization;
using ClosedLoop.Core.Time;
using NetMQ;
using NetMQ.Sockets;

namespace ClosedLoop.Transport.Zmq.Pupil;

/// <summary>
/// A REQ client for Pupil Remote with a timeout on every request. A REQ socket whose reply never came
/// cannot send again, so after a timeout the socket is replaced. Use from one thread.
/// </summary>
public sealed class PupilRemoteClient : IDisposable
{
    private readonly string _endpoint;
    private readonly TimeSpan _timeout;
    private RequestSocket _socket;

    public PupilRemoteClient(string endpoint, TimeSpan timeout)
    {
        _endpoint = endpoint;
        _timeout = timeout;
        _socket = Open();
    }

    /// <summary>Send <paramref name="command"/> and return the reply; <see cref="TimeoutException"/> when none comes in time.</summary>
    public string Request(string command)
    {
        _socket.SendFrame(command);
        if (_socket.TryReceiveFrameString(_timeout, out string? reply))
        {
            return reply;
        }
        _socket.Dispose();
        _socket = Open();
        throw new TimeoutException($"Pupil Remote at {_endpoint} did not answer '{command}' within {_timeout.TotalMilliseconds:F0} ms");
    }

    /// <summary>
    /// Send a notification (Pupil Remote forwards a multipart request to Capture's backbone): the topic
    /// <c>notify.&lt;subject&gt;</c>, then the msgpack map <paramref name="payload"/>. Returns the reply ("Message forwarded.").
    /// </summary>
    public string Notify(string subject, byte[] payload)
    {
        _socket.SendMoreFrame("notify." + subject).SendFrame(payload);
        if (_socket.TryReceiveFrameString(_timeout, out string? reply))
        {
            return reply;
        }
        _socket.Dispose();
        _socket = Open();
        throw new TimeoutException($"Pupil Remote at {_endpoint} did not answer the notification '{subject}' within {_timeout.TotalMilliseconds:F0} ms");
    }

    /// <summary>Ask for a port ("SUB_PORT" or "PUB_PORT").</summary>
    public int RequestPort(string command)
    {
        string reply = Request(command);
        if (!int.TryParse(reply.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw new FormatException($"Pupil Remote answered '{reply}' to {command}; expected a port number");
        }
        return port;
    }

    /// <summary>Estimate the clock offset with <paramref name="roundTrips"/> <c>t</c> requests (see <see cref="ClockOffsetEstimate"/>).</summary>
    public ClockOffsetEstimate EstimateClockOffset(int roundTrips)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(roundTrips, 1);
        var trips = new (double Offset, double RoundTrip)[roundTrips];
        for (int i = 0; i < roundTrips; i++)
        {
            long a = MonoClock.Now;
            string reply = Request("t");
            long b = MonoClock.Now;
            if (!double.TryParse(reply, NumberStyles.Float, CultureInfo.InvariantCulture, out double pupilTime) || !double.IsFinite(pupilTime))
            {
                throw new FormatException($"Pupil Remote answered '{reply}' to t; expected a time in seconds");
            }
            trips[i] = (pupilTime - MonoClock.ToSeconds(a + (b - a) / 2), MonoClock.ToSeconds(b - a));
        }
        return ClockOffsetEstimate.FromRoundTrips(trips);
    }

    /// <inheritdoc/>
    public void Dispose() => _socket.Dispose();

    private RequestSocket Open()
    {
        var socket = new RequestSocket();
        socket.Options.Linger = TimeSpan.Zero;
        socket.Connect(_endpoint);
        return socket;
    }
}
