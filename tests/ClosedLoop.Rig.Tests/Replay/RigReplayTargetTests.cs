using ClosedLoop.Core.Outputs;
using ClosedLoop.Rig.Replay;
using ClosedLoop.Rig.Session;
using ClosedLoop.Rig.Tests.Session;
using Xunit;
using ClosedLoop.Recording;

namespace ClosedLoop.Rig.Tests.Replay;

public sealed class RigReplayTargetTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-replay-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> RecordSessionAsync(string name, Func<RigSession, Task> during)
    {
        string rec = Path.Combine(_dir, name);
        var session = RigSession.Create(RigTestOptions.Create(rec));
        await session.StartAsync();
        await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed, s_timeout);
        await during(session);
        await session.DisposeAsync();
        return rec;
    }

    [Fact]
    public async Task Replay_LiveMicrocircuitSession_ReproducesEveryOutputBitForBit()
    {
        string rec = await RecordSessionAsync("live.cllog", async s =>
        {
            long at = s.Runtime.StepsRun;
            await s.Device.WaitForFrameAsync(f => f.Step > at + 500, s_timeout);
        });
        var target = new RigReplayTarget();
        var report = await ReplayEngine.RunAsync(rec, target);
        Assert.True(report.Reproduced, $"first divergence: {report.FirstDivergence}; stop: {report.StopReason}");
        Assert.True(report.OutputsCompared > 500);
        Assert.Equal(report.StepsReplayed, report.OutputsCompared);
    }

    [Fact]
    public async Task Replay_SessionWithEStop_ReproducesTheSafeFrames()
    {
        string rec = await RecordSessionAsync("estop.cllog", async s =>
        {
            s.EStop("replay test");
            long at = s.Runtime.StepsRun;
            await s.Device.WaitForFrameAsync(f => f.Step > at + 50 && f.Safety == SafetyState.EStop, s_timeout);
        });
        var report = await ReplayEngine.RunAsync(rec, new RigReplayTarget());
        Assert.True(report.Reproduced, $"first divergence: {report.FirstDivergence}; stop: {report.StopReason}");
    }

    [Fact]
    public async Task Replay_SessionWithOperatorLeverOverrideAndHold_ReproducesAndSeesTheOverride()
    {
        string rec = await RecordSessionAsync("override.cllog", async s =>
        {
            var forced = Core.Levers.LeverSet.Neutral;
            forced.Coupling = 0.2f;
            forced.DendriticDrive = 150;
            s.OverrideLevers(forced);
            long at = s.Runtime.StepsRun;
            await s.Device.WaitForFrameAsync(f => f.Step > at + 100, s_timeout);
            s.OverrideLevers(null);
            s.Hold();
            at = s.Runtime.StepsRun;
            await s.Device.WaitForFrameAsync(f => f.Step > at + 50, s_timeout);
            s.Resume();
            at = s.Runtime.StepsRun;
            await s.Device.WaitForFrameAsync(f => f.Step > at + 50 && f.Safety == SafetyState.Armed, s_timeout);
        });
        var target = new RigReplayTarget();
        var report = await ReplayEngine.RunAsync(rec, target);
        Assert.True(report.Reproduced, $"first divergence: {report.FirstDivergence}; stop: {report.StopReason}");
        Assert.True(target.OverrideSteps >= 100, $"override steps {target.OverrideSteps}");
    }
}
