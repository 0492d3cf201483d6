using ClosedLoop.Core.Configuration;
using ClosedLoop.Recording.Export;
using ClosedLoop.Rig.Config;
using ClosedLoop.Runtime.Readout;

namespace ClosedLoop.Cli.Export;

/// <summary>The output channels of a recording, read from its recorded config (names, units, safety limits).</summary>
internal static class RecordedChannels
{
    /// <summary>The channels the config text defines, or null when it does not parse (the export then names them channel_0, ...).</summary>
    public static IReadOnlyList<ExportChannel>? FromConfig(string configText)
    {
        try
        {
            var options = RigConfigParser.Parse(configText);
            return [.. options.Runtime.Channels.Select(c => new ExportChannel(c.Name, c.Kind.Unit(),
                c.Limits?.Min ?? double.NaN, c.Limits?.Max ?? double.NaN, c.Limits?.SafeLevel ?? double.NaN))];
        }
        catch (ConfigException)
        {
            return null;
        }
    }
}
