namespace ClosedLoop.Core.Control;

/// <summary>An expected refusal from an <see cref="ILoopControl"/>, with the kind that selects the gRPC status.</summary>
public sealed class LoopControlException : Exception
{
    public LoopControlException(LoopControlFault fault, string message)
        : base(message)
    {
        Fault = fault;
    }

    public LoopControlException()
    {
    }

    public LoopControlException(string message)
        : base(message)
    {
    }

    public LoopControlException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>What kind of refusal this is.</summary>
    public LoopControlFault Fault { get; }
}
