using System.Collections.Concurrent;
using ClosedLoop.Core.Control;

namespace ClosedLoop.Transport.Grpc.Tests.Support;

/// <summary>Keeps every reported control call.</summary>
internal sealed class CollectingCallLog : IControlCallLog
{
    public ConcurrentQueue<(string Method, string Caller, int Code, string Detail)> Calls { get; } = new();

    public void ControlCall(string method, string caller, int statusCode, string detail) => Calls.Enqueue((method, caller, statusCode, detail));
}
