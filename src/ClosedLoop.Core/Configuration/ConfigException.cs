using System.Diagnostics.CodeAnalysis;

namespace ClosedLoop.Core.Configuration;

/// <summary>
/// A configuration (rig config, scenario, options record) that cannot be used. <see cref="Field"/> is the offending
/// field's path as it appears in the config (<c>channel[1].limits.max</c>, <c>population[0].count</c>,
/// <c>receptors.alpha2_k_nm</c>; empty for the document as a whole) and the message reads
/// <c>config error in 'FIELD': PROBLEM</c>. Every part of the system that rejects configuration throws this type.
/// </summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception for <paramref name="field"/>.</summary>
    /// <param name="field">The field's path as it appears in the config.</param>
    /// <param name="problem">What is wrong with it, e.g. <c>50000 is outside 1..20000 Hz</c>.</param>
    public ConfigException(string field, string problem)
        : this(field, problem, innerException: null)
    {
    }

    /// <summary>Creates the exception for <paramref name="field"/> with the exception that revealed the problem.</summary>
    /// <param name="field">The field's path as it appears in the config.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="innerException">The exception that revealed the problem, or null.</param>
    public ConfigException(string field, string problem, Exception? innerException)
        : base(Format(field, problem), innerException)
    {
        Field = field ?? "";
        Problem = problem ?? "";
    }

    /// <summary>Creates the exception for a value outside what <paramref name="field"/> accepts: the problem reads <c>VALUE; expected EXPECTED</c>.</summary>
    /// <param name="field">The field's path as it appears in the config.</param>
    /// <param name="value">The offending value, as text.</param>
    /// <param name="expected">The expected range or rule, as text.</param>
    public ConfigException(string field, string value, string expected)
        : this(field, $"{value}; expected {expected}")
    {
    }

    /// <summary>The offending field's path as it appears in the config, e.g. <c>channel[1].limits.max</c> (empty for the whole document).</summary>
    public string Field { get; }

    /// <summary>What is wrong with the field (the message without the field).</summary>
    public string Problem { get; }

    /// <summary>Throws a <see cref="ConfigException"/> (kept out of line so callers stay small).</summary>
    /// <param name="field">The field's path as it appears in the config.</param>
    /// <param name="problem">What is wrong with it.</param>
    [DoesNotReturn]
    public static void Throw(string field, string problem) => throw new ConfigException(field, problem);

    private static string Format(string? field, string? problem) =>
        string.IsNullOrEmpty(field) ? $"config error: {problem}" : $"config error in '{field}': {problem}";
}
