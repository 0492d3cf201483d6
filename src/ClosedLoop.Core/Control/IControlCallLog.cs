namespace ClosedLoop.Core.Control;

/// <summary>
/// Where the control plane reports every call that can change what the loop does (e-stop, reset, hold/resume,
/// levers, config, arousal injection) and every refused call, with who made it. The rig writes these into the
/// recording; implementations are called from transport threads, never from the real-time one.
/// </summary>
public interface IControlCallLog
{
    /// <summary>Report one call.</summary>
    /// <param name="method">The full method name ("/closedloop.v1.Control/EStop").</param>
    /// <param name="caller">Who called: token name, certificate subject, peer address, Unix uid/pid.</param>
    /// <param name="statusCode">The call's gRPC status code (0 = OK, 7 = PERMISSION_DENIED, 16 = UNAUTHENTICATED, ...).</param>
    /// <param name="detail">The status detail ("" when OK).</param>
    void ControlCall(string method, string caller, int statusCode, string detail);
}
