namespace ClosedLoop.Core.Control;

/// <summary>Whether the loop runs.</summary>
public enum LoopRunState
{
    Stopped = 1,
    Running = 2,

    /// <summary>Stopped by a fault (see the status detail); Start may clear it.</summary>
    Faulted = 3,
}
