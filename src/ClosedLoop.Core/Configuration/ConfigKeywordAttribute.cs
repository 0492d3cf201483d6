namespace ClosedLoop.Core.Configuration;

/// <summary>
/// An integer option that also accepts a word in a config file: the TOML string <see cref="Keyword"/> (e.g.
/// <c>cpu_core = "auto"</c>) binds as <see cref="Value"/>, and a record whose property holds <see cref="Value"/> is
/// written back as the string, so a config reads back to an equal record. Any other string is a config error naming
/// the field and saying "an integer or \"keyword\"".
/// </summary>
/// <param name="keyword">The word, matched case-insensitively.</param>
/// <param name="value">The integer the word stands for (a value the option's own range does not use otherwise).</param>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class ConfigKeywordAttribute(string keyword, int value) : Attribute
{
    /// <summary>The word (e.g. "auto").</summary>
    public string Keyword { get; } = keyword;

    /// <summary>The integer the word stands for.</summary>
    public int Value { get; } = value;
}
