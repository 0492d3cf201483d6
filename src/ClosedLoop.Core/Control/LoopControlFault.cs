namespace ClosedLoop.Core.Control;

/// <summary>Kinds of expected refusal from an <see cref="ILoopControl"/>; each maps to one gRPC status code.</summary>
public enum LoopControlFault
{
    /// <summary>The request itself is wrong (bad TOML, bad value): INVALID_ARGUMENT.</summary>
    InvalidArgument,

    /// <summary>The request is fine but the loop's state forbids it now (start while e-stopped): FAILED_PRECONDITION.</summary>
    FailedPrecondition,

    /// <summary>The loop cannot take commands at the moment (shutting down): UNAVAILABLE.</summary>
    Unavailable,
}
