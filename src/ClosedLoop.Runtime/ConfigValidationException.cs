using System.Diagnostics.CodeAnalysis;

namespace ClosedLoop.Runtime;

/// <summary>A runtime configuration value is out of range; <see cref="Field"/> names it as it appears in the config.</summary>
public sealed class ConfigValidationException : Exception
{
    public ConfigValidationException(string field, string message)
        : base($"config error in '{field}': {message}")
    {
        Field = field;
    }

    /// <summary>The offending field's path, e.g. <c>channels[1].limits.max</c>.</summary>
    public string Field { get; }

    /// <summary>Throw helper (keeps callers lean).</summary>
    [DoesNotReturn]
    public static void Throw(string field, string message) => throw new ConfigValidationException(field, message);
}
