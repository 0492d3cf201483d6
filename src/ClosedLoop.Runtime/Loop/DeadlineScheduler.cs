using ClosedLoop.Core.Loop;

namespace ClosedLoop.Runtime.Loop;

/// <summary>The overrun policy as a pure function (the loop thread calls it after every step; tests call it directly).</summary>
public static class DeadlineScheduler
{
    /// <summary>
    /// Given the deadline of the step that just ran and the time it finished, return the next step's deadline and
    /// whether that step is an overrun. A step is an overrun when the previous one finished after its deadline.
    /// CatchUp: the next deadline is always one period on (late steps run back to back) unless the backlog exceeds
    /// <paramref name="maxCatchUpSteps"/>; Skip (or too large a backlog): missed deadlines are dropped and counted.
    /// </summary>
    /// <param name="deadline">Deadline of the step that just ran, ticks.</param>
    /// <param name="finishedTicks">When it finished, ticks.</param>
    /// <param name="periodTicks">Loop period, ticks.</param>
    /// <param name="policy">Overrun policy.</param>
    /// <param name="maxCatchUpSteps">Largest backlog CatchUp works off.</param>
    public static StepTiming Next(long deadline, long finishedTicks, long periodTicks, OverrunPolicy policy, int maxCatchUpSteps)
    {
        long next = deadline + periodTicks;
        if (finishedTicks <= next)
        {
            return new StepTiming(next, next, false, 0);
        }
        long behind = (finishedTicks - next) / periodTicks; // deadlines missed beyond the next one
        if (policy == OverrunPolicy.Skip || behind > maxCatchUpSteps)
        {
            int skipped = (int)Math.Min(int.MaxValue, behind + 1);
            next += skipped * periodTicks;
            return new StepTiming(next, next, true, skipped);
        }
        return new StepTiming(next, next, true, 0);
    }
}
