namespace ClosedLoop.Recording;

/// <summary>The result of a replay.</summary>
/// <param name="ModelName">Model name from the recording's Config record ("" if it had none).</param>
/// <param name="StepsReplayed">Steps the target ran.</param>
/// <param name="OutputsCompared">Recorded output frames compared with replayed ones.</param>
/// <param name="DivergentOutputs">Compared frames that differed in any bit.</param>
/// <param name="ReadoutsCompared">Recorded readouts compared with the target's (0 if the target reports none).</param>
/// <param name="DivergentReadouts">Compared readouts that differed in any bit.</param>
/// <param name="FirstDivergence">The first difference, or null if every compared frame matched bit for bit.</param>
/// <param name="Complete">False if replay stopped early (see <paramref name="StopReason"/>).</param>
/// <param name="StopReason">Why replay stopped early (a gap, a drop, a record out of order), or null.</param>
/// <param name="Damage">Damaged regions the reader found.</param>
public sealed record ReplayReport(
    string ModelName,
    long StepsReplayed,
    long OutputsCompared,
    long DivergentOutputs,
    long ReadoutsCompared,
    long DivergentReadouts,
    ReplayDivergence? FirstDivergence,
    bool Complete,
    string? StopReason,
    IReadOnlyList<RecordingDamage> Damage)
{
    /// <summary>True when the whole recording replayed and every recorded output and readout was reproduced bit for bit.</summary>
    public bool Reproduced => Complete && OutputsCompared > 0 && DivergentOutputs == 0 && DivergentReadouts == 0 && Damage.Count == 0;
}
