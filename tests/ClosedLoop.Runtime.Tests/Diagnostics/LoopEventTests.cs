using ClosedLoop.Runtime.Diagnostics;
using Xunit;

namespace ClosedLoop.Runtime.Tests.Diagnostics;

public class LoopEventTests
{
    [Fact]
    public void Describe_RealtimeDeniedWithEperm_SaysWhyAndThatTheLoopCarriesOn()
    {
        var text = new LoopEvent { Code = LoopEventCode.RealtimeDenied, Value = 1 }.Describe();
        Assert.Contains("SCHED_FIFO refused (errno 1, EPERM", text);
        Assert.Contains("normal scheduler", text);
    }

    [Fact]
    public void Describe_NotLinux_SaysPinningUnavailable() =>
        Assert.Contains("only available on Linux", new LoopEvent { Code = LoopEventCode.PinningDenied, Value = -1 }.Describe());
}
