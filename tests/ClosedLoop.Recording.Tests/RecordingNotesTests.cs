using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Safety;
using ClosedLoop.Recording.Records;
using Xunit;

namespace ClosedLoop.Recording.Tests;

public sealed class RecordingNotesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-notes-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Scan_MarkersInterventionsEdges_InStepOrderWithTimesAndRunsFolded()
    {
        string path = Path.Combine(_dir, "n.cllog");
        using (var w = new RecordingWriter(path))
        {
            w.WriteSide(-1, new LoopStartRecord(new LoopStartInfo(1000, 10, 0.1, 1_000_000, 1_000_000_000, 1, OverrunPolicy.Skip, true, "m", 0)));
            for (long step = 0; step < 50; step++)
            {
                w.WriteSide(step, new SafetyIntervention(GovernorReason.Disarmed, SafetyIntervention.AllChannels, float.NaN, float.NaN));
            }
            w.WriteSide(60, new SafetyIntervention(GovernorReason.RangeClamp, 0, 9f, 5f));
            w.WriteNote(1200, 100, "e-stop: operator pressed the button");
            w.WriteNote(1500, MarkerCode.IngestErrorBase + (int)IngestError.Stalled, "ingest Stalled: pupil:tcp://127.0.0.1:50020: no pupil datum for 500 ms");
            w.WriteSide(1600, new DigitalEdgeRecord(new DigitalEdge(ArousalSourceKind.Photometry, 0, true, 1.25, 0, false)));
            w.WriteNote(2000, MarkerCode.LoopStopped, "2000 steps");
        }
        var notes = (await RecordingNotes.ScanAsync(path)).Select(n => n.ToString()).ToArray();
        Assert.Equal(
        [
            "steps 0..49 (0.000 s): safety: outputs Disarmed",
            "step 60 (0.060 s): safety: channel 0 RangeClamp",
            "step 1200 (1.200 s): note 100: e-stop: operator pressed the button",
            "step 1500 (1.500 s): note 15: ingest Stalled: pupil:tcp://127.0.0.1:50020: no pupil datum for 500 ms",
            "step 1600 (1.600 s): Photometry digital 1 high at source time 1.250 s",
            "step 2000 (2.000 s): loop stopped: 2000 steps",
        ], notes);
    }
}
