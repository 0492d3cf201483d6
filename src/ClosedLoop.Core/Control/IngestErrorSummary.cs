using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Core.Control;

/// <summary>How many ingest errors of one kind a session has seen, and the text of the newest one.</summary>
/// <param name="Kind">The kind of error.</param>
/// <param name="Count">Errors of this kind since the session started.</param>
/// <param name="LastDetail">The newest one's detail ("" when none was given).</param>
public readonly record struct IngestErrorSummary(IngestError Kind, long Count, string LastDetail);
