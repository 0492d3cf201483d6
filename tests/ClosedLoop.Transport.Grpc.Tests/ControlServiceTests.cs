using ClosedLoop.Contracts.V1;
using ClosedLoop.Transport.Grpc.Tests.Support;
using Grpc.Core;
using Xunit;
using V1 = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Transport.Grpc.Tests;

public sealed class ControlServiceTests
{
    private static LeverSet NeutralWire() => new()
    {
        Coupling = 1, AmpaGain = 1, NmdaGain = 1, GabaGain = 1, SynapticTimeScale = 1, SomStrength = 1, PvStrength = 1,
    };

    [Fact]
    public async Task SetLevers_CouplingOutOfRange_InvalidArgumentWithValidatorMessage()
    {
        await using var fx = await ServerFixture.StartAsync();
        var client = new V1.Control.ControlClient(fx.Channel);
        var levers = NeutralWire();
        levers.Coupling = 1.5f;

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await client.SetLeversAsync(new SetLeversRequest { Levers = levers }));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var core = ClosedLoop.Contracts.Mapping.LeverMapper.FromWire(levers);
        Assert.False(core.TryValidate(out string? expected));
        Assert.Equal(expected, ex.Status.Detail);
        Assert.Equal(1f, fx.Control.GetStatus().Levers.Coupling); // unchanged
    }

    [Fact]
    public async Task SetLevers_NaNLever_InvalidArgument()
    {
        await using var fx = await ServerFixture.StartAsync();
        var levers = NeutralWire();
        levers.GabaGain = float.NaN;
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await new V1.Control.ControlClient(fx.Channel).SetLeversAsync(new SetLeversRequest { Levers = levers }));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("gaba_gain", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetLevers_Missing_InvalidArgument()
    {
        await using var fx = await ServerFixture.StartAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await new V1.Control.ControlClient(fx.Channel).SetLeversAsync(new SetLeversRequest()));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task SetLevers_Valid_StatusCarriesNewLevers()
    {
        await using var fx = await ServerFixture.StartAsync();
        var levers = NeutralWire();
        levers.Coupling = 0.25f;
        levers.ThresholdShift = -2.5f;
        var status = await new V1.Control.ControlClient(fx.Channel).SetLeversAsync(new SetLeversRequest { Levers = levers });
        Assert.Equal(levers, status.Levers);
        Assert.Equal(0.25f, fx.Control.GetStatus().Levers.Coupling);
        Assert.Equal(-2.5f, fx.Control.GetStatus().Levers.ThresholdShift);
    }

    [Fact]
    public async Task EStop_ThenStart_FailedPreconditionUntilReset()
    {
        await using var fx = await ServerFixture.StartAsync();
        var client = new V1.Control.ControlClient(fx.Channel);
        var running = await client.StartAsync(new StartRequest());
        Assert.Equal(LoopState.Running, running.State);
        Assert.Equal(SafetyState.Armed, running.Safety);

        var stopped = await client.EStopAsync(new EStopRequest { Reason = "operator pressed the button" });
        Assert.Equal(LoopState.Stopped, stopped.State);
        Assert.Equal(SafetyState.Estop, stopped.Safety);
        Assert.Equal("operator pressed the button", stopped.EstopReason);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await client.StartAsync(new StartRequest()));
        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Contains("operator pressed the button", ex.Status.Detail, StringComparison.Ordinal);

        var reset = await client.ResetEStopAsync(new ResetEStopRequest());
        Assert.Equal(SafetyState.Disarmed, reset.Safety);
        Assert.Equal(LoopState.Stopped, reset.State);
        Assert.Equal(LoopState.Running, (await client.StartAsync(new StartRequest())).State);
        fx.Control.Advance(42);
        Assert.Equal(42, (await client.GetStatusAsync(new GetStatusRequest())).Step);
        Assert.Equal(LoopState.Stopped, (await client.StopAsync(new StopRequest())).State);
    }

    [Fact]
    public async Task EStop_WithoutReason_DefaultReasonRecorded()
    {
        await using var fx = await ServerFixture.StartAsync();
        var status = await new V1.Control.ControlClient(fx.Channel).EStopAsync(new EStopRequest());
        Assert.False(string.IsNullOrEmpty(status.EstopReason));
    }

    [Fact]
    public async Task LoadConfig_Empty_InvalidArgument()
    {
        await using var fx = await ServerFixture.StartAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await new V1.Control.ControlClient(fx.Channel).LoadConfigAsync(new LoadConfigRequest { Toml = "  " }));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task LoadConfig_RefusedByLoop_MappedStatusCodes()
    {
        await using var fx = await ServerFixture.StartAsync();
        var client = new V1.Control.ControlClient(fx.Channel);

        var bad = await Assert.ThrowsAsync<RpcException>(async () => await client.LoadConfigAsync(new LoadConfigRequest { Toml = "this is not toml" }));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Contains("key = value", bad.Status.Detail, StringComparison.Ordinal);

        var ok = await client.LoadConfigAsync(new LoadConfigRequest { Toml = "name = \"bench\"\n[loop]\nrate_hz = 1000\n" });
        Assert.Equal("bench", ok.ConfigName);

        await client.StartAsync(new StartRequest());
        var busy = await Assert.ThrowsAsync<RpcException>(async () => await client.LoadConfigAsync(new LoadConfigRequest { Toml = "name = \"x\"" }));
        Assert.Equal(StatusCode.FailedPrecondition, busy.StatusCode);
    }

    [Fact]
    public async Task LoadConfig_MegabytesOfToml_RefusedBeforeParsing()
    {
        // Issue 7, defect 8: a 3.5 MB LoadConfig caused GC storms that tripped the watchdog.
        await using var fx = await ServerFixture.StartAsync();
        string toml = "# " + new string('x', 3_500_000) + "\n";
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await new V1.Control.ControlClient(fx.Channel).LoadConfigAsync(new LoadConfigRequest { Toml = toml }));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal("", fx.Control.GetStatus().ConfigName);
    }

    [Fact]
    public async Task SetLevers_PartialUpdate_ChangesOnlyTheFieldsPresent()
    {
        await using var fx = await ServerFixture.StartAsync();
        var client = new V1.Control.ControlClient(fx.Channel);
        // A present zero is a real zero; absent fields keep the value in effect (neutral here).
        var status = await client.SetLeversAsync(new SetLeversRequest { Levers = new LeverSet { AmpaGain = 0f, Coupling = 0.25f } });
        Assert.Equal(0f, status.Levers.AmpaGain);
        Assert.Equal(0.25f, status.Levers.Coupling);
        Assert.Equal(1f, status.Levers.NmdaGain);
        Assert.Equal(1f, status.Levers.GabaGain);
        Assert.Equal(1f, status.Levers.SynapticTimeScale);
        var cleared = await client.ClearLeversAsync(new ClearLeversRequest());
        Assert.Equal(1f, cleared.Levers.AmpaGain);
    }
}
