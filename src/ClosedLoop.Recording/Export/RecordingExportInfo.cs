using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Recording.Export;

/// <summary>
/// What an export knows about the session besides its tables, filled in as the recording is read: the file
/// header, the model and its effective config, the loop start, the readout schema, the output channels, and at
/// the end the record counts, drops and damage.
/// </summary>
public sealed class RecordingExportInfo
{
    /// <summary>The recording's path.</summary>
    public required string SourcePath { get; init; }

    /// <summary>The file header.</summary>
    public RecordingHeader Header { get; internal set; }

    /// <summary>Model name from the Config record ("" when the recording has none).</summary>
    public string ModelName { get; internal set; } = "";

    /// <summary>The effective config (TOML) from the Config record ("" when none).</summary>
    public string ConfigText { get; internal set; } = "";

    /// <summary>The loop start summary, or null when the recording has none.</summary>
    public LoopStartInfo? LoopStart { get; internal set; }

    /// <summary>The readout schema (the version-1 fields for a version-1 recording), or null when none was recorded.</summary>
    public ReadoutSchema? Readout { get; internal set; }

    /// <summary>The output channels (named from the config when the caller could read it).</summary>
    public IReadOnlyList<ExportChannel> Channels { get; internal set; } = [];

    /// <summary>Records read, per record type.</summary>
    public SortedDictionary<RecordType, long> RecordsByType { get; } = [];

    /// <summary>Records of types this version does not know (skipped).</summary>
    public long UnknownRecords { get; internal set; }

    /// <summary>Records the recorder reported dropped.</summary>
    public long Dropped { get; internal set; }

    /// <summary>True when the loop's stop marker is present.</summary>
    public bool ClosedCleanly { get; internal set; }

    /// <summary>Damaged regions (after the whole file was read).</summary>
    public IReadOnlyList<RecordingDamage> Damage { get; internal set; } = [];

    /// <summary>True when the loop's step rate is known (a LoopStart record): <c>time_s</c> columns are then step / rate.</summary>
    public double StepRateHz => LoopStart?.StepRateHz ?? double.NaN;

    /// <summary>Monotonic ticks per second of every <c>_ticks</c> column.</summary>
    public long TicksPerSecond => Header.ClockFrequency;

    /// <summary>True when nothing was damaged or dropped and a recorded loop was stopped cleanly.</summary>
    public bool Intact => Damage.Count == 0 && Dropped == 0 && (LoopStart is null || ClosedCleanly);
}
