namespace ClosedLoop.Recording.Export;

/// <summary>An output channel as the exported tables name it: from the recorded config, which the Recording project does not parse.</summary>
/// <param name="Name">Channel name.</param>
/// <param name="Unit">Channel unit ("uA", "Hz", "us", "on/off", "setpoint").</param>
/// <param name="Min">Lower safety limit, channel unit.</param>
/// <param name="Max">Upper safety limit, channel unit.</param>
/// <param name="SafeLevel">Level the governor holds the channel at when not armed, channel unit.</param>
public sealed record ExportChannel(string Name, string Unit, double Min, double Max, double SafeLevel);
