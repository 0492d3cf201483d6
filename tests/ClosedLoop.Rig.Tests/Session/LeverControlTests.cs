using ClosedLoop.Contracts.V1;
using ClosedLoop.Core.Levers;
using ClosedLoop.Rig.Session;
using Grpc.Net.Client;
using Xunit;
using SafetyState = ClosedLoop.Core.Outputs.SafetyState;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>Lever semantics over the real Control service of a running rig (issue 7, defect 9).</summary>
public sealed class LeverControlTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-levers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task SetLevers_TwoFieldsSent_OnlyThoseChange_StatusShowsLeversInEffect_ClearLeversRestoresTheMap()
    {
        // No source: the arousal (and with it the map's levers) stays put between the calls.
        await using var session = RigSession.Create(RigTestOptions.Create(Path.Combine(_dir, "levers.cllog"), source: "none") with { ConfigName = "bench-rig.toml" });
        await session.StartAsync();
        using var channel = GrpcChannel.ForAddress(session.Grpc!.Address);
        var control = new Control.ControlClient(channel);

        var before = await control.GetStatusAsync(new GetStatusRequest());
        Assert.False(before.LeversOverridden);
        Assert.Equal("bench-rig.toml", before.ConfigName);
        Assert.True(before.Levers.HasAmpaGain); // the map's levers in effect, not an empty override
        Assert.NotEqual(0f, before.Levers.AmpaGain);

        // Before: unsent proto3 fields were zeros, so this call zeroed every synaptic gain (rate 0 Hz).
        var set = await control.SetLeversAsync(new SetLeversRequest { Levers = new Contracts.V1.LeverSet { Coupling = 0.5f, SomaticDrive = 20f } });
        Assert.True(set.LeversOverridden);
        Assert.Equal(0.5f, set.Levers.Coupling);
        Assert.Equal(20f, set.Levers.SomaticDrive);
        Assert.Equal(before.Levers.AmpaGain, set.Levers.AmpaGain);
        Assert.Equal(before.Levers.GabaGain, set.Levers.GabaGain);
        Assert.NotEqual(0f, set.Levers.NmdaGain);

        // Absurd finite values are refused from the one schema (3e38 pA held the neural mass at its maximum).
        var absurd = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () =>
            await control.SetLeversAsync(new SetLeversRequest { Levers = new Contracts.V1.LeverSet { SomaticDrive = 3e38f } }));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, absurd.StatusCode);
        Assert.Contains(LeverSchema.Get(Lever.SomaticDrive).Name, absurd.Status.Detail, StringComparison.Ordinal);

        var cleared = await control.ClearLeversAsync(new ClearLeversRequest());
        Assert.False(cleared.LeversOverridden);
        Assert.False(session.Levers.TryGetOverride(out _));
    }

    [Fact]
    public async Task EStop_ReplyShowsTheStateAfterIt()
    {
        await using var session = RigSession.Create(RigTestOptions.Create(Path.Combine(_dir, "estop.cllog")));
        await session.StartAsync();
        await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed, s_timeout);
        using var channel = GrpcChannel.ForAddress(session.Grpc!.Address);
        var reply = await new Control.ControlClient(channel).EStopAsync(new EStopRequest { Reason = "test" });
        Assert.Equal(Contracts.V1.SafetyState.Estop, reply.Safety); // before: Armed, the state before the e-stop
        Assert.Equal("test", reply.EstopReason);
    }
}
