using ClosedLoop.Runtime.Loop;
using Xunit;
using ClosedLoop.Core.Loop;

namespace ClosedLoop.Runtime.Tests.Loop;

public class DeadlineSchedulerTests
{
    private const long P = 1000; // period, ticks

    [Fact]
    public void Next_OnTime_NextPeriodNoOverrun() =>
        Assert.Equal(new StepTiming(2000, 2000, false, 0), DeadlineScheduler.Next(1000, 1500, P, OverrunPolicy.CatchUp, 100));

    [Fact]
    public void Next_FinishedExactlyAtNextDeadline_NotAnOverrun() =>
        Assert.False(DeadlineScheduler.Next(1000, 2000, P, OverrunPolicy.Skip, 100).Overran);

    [Fact]
    public void Next_CatchUp_KeepsEveryDeadline()
    {
        // Finished at 4500: deadlines 2000, 3000, 4000 were missed; CatchUp runs them back to back.
        var t = DeadlineScheduler.Next(1000, 4500, P, OverrunPolicy.CatchUp, 100);
        Assert.Equal(new StepTiming(2000, 2000, true, 0), t);
    }

    [Fact]
    public void Next_Skip_DropsMissedDeadlinesAndCountsThem()
    {
        var t = DeadlineScheduler.Next(1000, 4500, P, OverrunPolicy.Skip, 100);
        Assert.Equal(new StepTiming(5000, 5000, true, 3), t); // 2000, 3000, 4000 dropped
    }

    [Fact]
    public void Next_CatchUpBacklogOverLimit_DropsLikeSkip()
    {
        var t = DeadlineScheduler.Next(1000, 4500, P, OverrunPolicy.CatchUp, 1);
        Assert.Equal(3, t.SkippedSteps);
        Assert.Equal(5000, t.DeadlineTicks);
    }
}
