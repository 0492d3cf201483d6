namespace ClosedLoop.Recording;

/// <summary>The marker codes the recording format gives a meaning to (docs/recording.md).</summary>
public static class MarkerCode
{
    /// <summary>The loop stopped (a note with the step count, written when it stops).</summary>
    public const int LoopStopped = 1;

    /// <summary>The governor latched its e-stop at this step (an operator input; replay re-applies it).</summary>
    public const int EStopLatched = 2;

    /// <summary>The governor left its e-stop at this step (reset by the operator; replay re-applies it).</summary>
    public const int EStopReleased = 3;

    /// <summary>First code of ingest-error notes: the note's code is this plus the <see cref="Core.Ingest.IngestError"/> value.</summary>
    public const int IngestErrorBase = 10;
}
