namespace ClosedLoop.Configuration;

/// <summary>
/// A TOML array: values (<c>[1, 2]</c>, inline tables) or, when <see cref="IsTableArray"/>, an array of tables
/// built from <c>[[name]]</c> headers (in document order, wherever the headers stand).
/// </summary>
public sealed class ConfigArray : List<object?>
{
    internal ConfigArray(bool isTableArray) => IsTableArray = isTableArray;

    /// <summary>True for an array of tables declared with <c>[[name]]</c> headers (more headers append to it).</summary>
    public bool IsTableArray { get; }
}
