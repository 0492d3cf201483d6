using ClosedLoop.Core.Levers;

namespace ClosedLoop.Core.Control;

/// <summary>
/// What the gRPC Control service drives: the real-time loop's command surface, implemented by the runtime.
/// Every method returns the status after the command. Expected refusals (bad levers, bad TOML, start while
/// the e-stop is latched) throw <see cref="LoopControlException"/>; anything else is a bug and surfaces as
/// an internal error.
/// </summary>
public interface ILoopControl
{
    /// <summary>Start the loop. Refused (<see cref="LoopControlFault.FailedPrecondition"/>) while the e-stop is latched.</summary>
    Task<LoopStatus> StartAsync(CancellationToken cancellationToken);

    /// <summary>Stop the loop; outputs go to their safe level. Idempotent.</summary>
    Task<LoopStatus> StopAsync(CancellationToken cancellationToken);

    /// <summary>Set lever targets (already range-checked with <see cref="LeverSet.TryValidate"/> by the caller).</summary>
    Task<LoopStatus> SetLeversAsync(LeverSet levers, CancellationToken cancellationToken);

    /// <summary>Clear the lever override: the levers follow the receptor map again. Idempotent.</summary>
    Task<LoopStatus> ClearLeversAsync(CancellationToken cancellationToken);

    /// <summary>Replace the configuration with TOML text.</summary>
    Task<LoopStatus> LoadConfigAsync(string toml, CancellationToken cancellationToken);

    /// <summary>Current status (cheap; never blocks on the loop).</summary>
    LoopStatus GetStatus();

    /// <summary>Latch the emergency stop: outputs safe at once, <see cref="StartAsync"/> refused until reset.</summary>
    Task<LoopStatus> EStopAsync(string reason, CancellationToken cancellationToken);

    /// <summary>Clear a latched e-stop. The loop stays stopped (outputs held) until <see cref="StartAsync"/>.</summary>
    Task<LoopStatus> ResetEStopAsync(CancellationToken cancellationToken);
}
