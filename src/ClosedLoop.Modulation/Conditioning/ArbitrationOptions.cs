using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Modulation.Conditioning;

/// <summary>How the loop's arousal is chosen when several kinds of signal arrive (config section [arbitration]).</summary>
public enum ArbitrationMode
{
    /// <summary>The newest estimate of any kind wins (one source per rig, or sources meant to take turns).</summary>
    Latest,

    /// <summary>
    /// The kinds in <see cref="ArbitrationOptions.Order"/> rank first to last: a kind's estimate reaches the loop only
    /// while no kind ranked above it is live; kinds not listed never reach it.
    /// </summary>
    Priority,
}

/// <summary>The kinds of arousal signal, one conditioner each.</summary>
public enum ArbitratedSignal
{
    /// <summary>Pupil diameter (Pupil Core, synthetic pupil, recorded pupil).</summary>
    Pupil,

    /// <summary>Fiber photometry.</summary>
    Photometry,

    /// <summary>Arousal sent directly (gRPC, ZeroMQ, UDP external samples).</summary>
    External,
}

/// <summary>
/// [arbitration]: which arousal estimate the loop reads when several kinds arrive. Default <c>latest</c>, the
/// behaviour before this option existed.
/// </summary>
public sealed record ArbitrationOptions
{
    /// <summary>latest or priority.</summary>
    public ArbitrationMode Mode { get; init; } = ArbitrationMode.Latest;

    /// <summary>Priority mode: the kinds, highest first (pupil, photometry, external; each at most once).</summary>
    public ArbitratedSignal[] Order { get; init; } = [];

    /// <summary>
    /// Priority mode: a kind is live while its last good estimate (not stale, not low-confidence, not clamped) is at
    /// most this old, ms; a lower kind takes over when every kind above it has been silent this long. Default 250.
    /// </summary>
    public double FallbackAfterMs { get; init; } = 250;

    /// <summary>Throws <see cref="ConfigException"/> naming the field.</summary>
    public void Validate()
    {
        if (!(FallbackAfterMs > 0 && FallbackAfterMs <= 60_000))
        {
            ConfigException.Throw("arbitration.fallback_after_ms", $"{FallbackAfterMs} is not in (0, 60000] ms");
        }
        for (int i = 0; i < Order.Length; i++)
        {
            if (!Enum.IsDefined(Order[i]))
            {
                ConfigException.Throw($"arbitration.order[{i}]", "is not pupil, photometry or external");
            }
            if (Array.IndexOf(Order, Order[i]) != i)
            {
                ConfigException.Throw($"arbitration.order[{i}]", $"'{Order[i].ToString().ToLowerInvariant()}' is listed twice");
            }
        }
        if (Mode == ArbitrationMode.Priority && Order.Length == 0)
        {
            ConfigException.Throw("arbitration.order", "priority mode needs the kinds in order, e.g. [\"pupil\", \"external\"]");
        }
        if (Mode == ArbitrationMode.Latest && Order.Length > 0)
        {
            ConfigException.Throw("arbitration.order", "only used with mode = \"priority\"");
        }
    }
}
