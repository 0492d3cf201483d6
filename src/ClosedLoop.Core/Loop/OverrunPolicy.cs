namespace ClosedLoop.Core.Loop;

/// <summary>What the loop does when a step starts after the next step's deadline already passed.</summary>
public enum OverrunPolicy : byte
{
    /// <summary>Run the late steps back to back until the loop is on schedule again (no step is lost; simulated time stays locked to the step index).</summary>
    CatchUp = 0,

    /// <summary>Drop the missed deadlines and resume at the next future one (steps are lost and counted; the step index still advances by one per executed step).</summary>
    Skip = 1,
}
