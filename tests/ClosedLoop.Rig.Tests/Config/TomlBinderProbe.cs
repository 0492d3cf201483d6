namespace ClosedLoop.Rig.Tests.Config;

/// <summary>Reaches the internal binder's naming rule (InternalsVisibleTo keeps the binder internal).</summary>
internal static class TomlBinderProbe
{
    public static string SnakeCase(string name) => ClosedLoop.Rig.Config.TomlBinder.SnakeCase(name);
}
