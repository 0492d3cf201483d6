using System.Diagnostics.CodeAnalysis;

namespace ClosedLoop.Rig.Config;

/// <summary>A rig config that cannot be used: the message names the field, the value and what was expected.</summary>
public sealed class RigConfigException : Exception
{
    public RigConfigException()
    {
    }

    public RigConfigException(string message)
        : base(message)
    {
    }

    public RigConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Throw a <see cref="RigConfigException"/> (kept out of line so callers stay small).</summary>
    [DoesNotReturn]
    public static void Throw(string message) => throw new RigConfigException(message);
}
