using ClosedLoop.Core.Loop;

namespace ClosedLoop.Recording;

/// <summary>What a replay target is built from: the recording's Config and LoopStart records.</summary>
/// <param name="Header">The recording's file header (clock frequency of every tick value).</param>
/// <param name="ModelName">Model name from the Config record.</param>
/// <param name="ConfigText">Full config text from the Config record.</param>
/// <param name="Loop">The loop's start summary, when the recording has a LoopStart record.</param>
public sealed record ReplaySetup(RecordingHeader Header, string ModelName, string ConfigText, LoopStartInfo? Loop);
