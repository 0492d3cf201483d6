using System.Diagnostics.CodeAnalysis;
using ClosedLoop.Contracts.Mapping;
using ClosedLoop.Contracts.V1;
using Grpc.Core;
using GrpcStatus = Grpc.Core.Status;
using WireStatus = ClosedLoop.Contracts.V1.Status;
using ClosedLoop.Core.Control;

namespace ClosedLoop.Transport.Grpc.Control;

/// <summary>
/// The gRPC Control service over an <see cref="ILoopControl"/>. Bad requests get INVALID_ARGUMENT with a
/// message naming the offending field; refusals by the loop map through <see cref="LoopControlFault"/>.
/// </summary>
public sealed class ControlService : ClosedLoop.Contracts.V1.Control.ControlBase
{
    private readonly ILoopControl _loop;

    public ControlService(ILoopControl loop)
    {
        _loop = loop ?? throw new ArgumentNullException(nameof(loop));
    }

    public override Task<WireStatus> Start(StartRequest request, ServerCallContext context) =>
        Run(ct => _loop.StartAsync(ct), context);

    public override Task<WireStatus> Stop(StopRequest request, ServerCallContext context) =>
        Run(ct => _loop.StopAsync(ct), context);

    public override Task<WireStatus> SetLevers(SetLeversRequest request, ServerCallContext context)
    {
        if (request.Levers is null)
        {
            ThrowInvalid("levers missing: send the levers to change (absent fields keep the value in effect)");
        }
        // Partial update by field presence, on top of the levers in effect.
        var levers = LeverMapper.Merge(_loop.GetStatus().Levers, request.Levers);
        if (!levers.TryValidate(out string? error))
        {
            ThrowInvalid(error!);
        }
        return Run(ct => _loop.SetLeversAsync(levers, ct), context);
    }

    public override Task<WireStatus> ClearLevers(ClearLeversRequest request, ServerCallContext context) =>
        Run(ct => _loop.ClearLeversAsync(ct), context);

    public override Task<WireStatus> LoadConfig(LoadConfigRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Toml))
        {
            ThrowInvalid("toml is empty");
        }
        return Run(ct => _loop.LoadConfigAsync(request.Toml, ct), context);
    }

    public override Task<WireStatus> GetStatus(GetStatusRequest request, ServerCallContext context) =>
        Task.FromResult(StatusMapper.ToWire(_loop.GetStatus()));

    public override Task<WireStatus> EStop(EStopRequest request, ServerCallContext context)
    {
        string reason = string.IsNullOrWhiteSpace(request.Reason) ? "e-stop requested over gRPC" : request.Reason;
        return Run(ct => _loop.EStopAsync(reason, ct), context);
    }

    public override Task<WireStatus> ResetEStop(ResetEStopRequest request, ServerCallContext context) =>
        Run(ct => _loop.ResetEStopAsync(ct), context);

    private static async Task<WireStatus> Run(Func<CancellationToken, Task<LoopStatus>> command, ServerCallContext context)
    {
        try
        {
            return StatusMapper.ToWire(await command(context.CancellationToken).ConfigureAwait(false));
        }
        catch (LoopControlException ex)
        {
            throw new RpcException(new GrpcStatus(ToStatusCode(ex.Fault), ex.Message));
        }
    }

    private static StatusCode ToStatusCode(LoopControlFault fault) => fault switch
    {
        LoopControlFault.InvalidArgument => StatusCode.InvalidArgument,
        LoopControlFault.FailedPrecondition => StatusCode.FailedPrecondition,
        _ => StatusCode.Unavailable,
    };

    [DoesNotReturn]
    private static void ThrowInvalid(string message) =>
        throw new RpcException(new GrpcStatus(StatusCode.InvalidArgument, message));
}
