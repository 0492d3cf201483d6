namespace ClosedLoop.Modulation.Configuration;

/// <summary>
/// A modulation option (conditioning, receptor map, lever map, table) is out of range. The message names the
/// field, the offending value and the expected range, e.g.
/// <c>pupil.confidence_threshold = 1.5; expected 0..1</c>.
/// </summary>
public sealed class ModulationOptionsException : ArgumentException
{
    /// <summary>Creates the exception for one field.</summary>
    /// <param name="field">Dotted field name as it appears in configuration, e.g. <c>receptors.alpha2_k_nm</c>.</param>
    /// <param name="value">The offending value, as text.</param>
    /// <param name="expected">The expected range or rule, as text.</param>
    public ModulationOptionsException(string field, string value, string expected)
        : base($"{field} = {value}; expected {expected}", field)
    {
        Field = field;
        Value = value;
        Expected = expected;
    }

    /// <summary>Dotted field name.</summary>
    public string Field { get; }

    /// <summary>Offending value as text.</summary>
    public string Value { get; }

    /// <summary>Expected range or rule.</summary>
    public string Expected { get; }
}
