using ClosedLoop.Contracts.V1;
using ClosedLoop.Core.Control;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Transport.Grpc.Control;
using Xunit;

namespace ClosedLoop.Transport.Grpc.Tests;

/// <summary>The ingest errors of the control Status on the wire (field 14, appended).</summary>
public sealed class StatusMapperTests
{
    private static LoopStatus Status(IReadOnlyList<IngestErrorSummary>? errors) =>
        new(LoopRunState.Running, Core.Outputs.SafetyState.Armed, 10, Core.Levers.LeverSet.Neutral, 0, "", "test", 1000, IngestErrors: errors);

    [Fact]
    public void ToWire_IngestErrors_KindNamesCountsAndTextsInOrder()
    {
        var wire = StatusMapper.ToWire(Status([new(IngestError.Malformed, 3, "bad frame"), new(IngestError.Stalled, 1, "no datum for 500 ms")]));
        Assert.Equal(new[] { ("Malformed", 3L, "bad frame"), ("Stalled", 1L, "no datum for 500 ms") },
            wire.IngestErrors.Select(e => (e.Kind, e.Count, e.LastDetail)).ToArray());
        Assert.Empty(StatusMapper.ToWire(Status(null)).IngestErrors);
    }

    [Fact]
    public void FromWire_UnknownKindFromANewerServer_SkippedNotMisnamed()
    {
        var wire = StatusMapper.ToWire(Status([new(IngestError.DeviceError, 2, "Traceback ...")]));
        wire.IngestErrors.Add(new IngestErrorCount { Kind = "SomethingNew", Count = 5, LastDetail = "?" });
        wire.IngestErrors.Add(new IngestErrorCount { Kind = "7", Count = 5, LastDetail = "a number is not a name" });
        var back = StatusMapper.FromWire(wire).IngestErrors!;
        var only = Assert.Single(back);
        Assert.Equal(new IngestErrorSummary(IngestError.DeviceError, 2, "Traceback ..."), only);
        Assert.Null(StatusMapper.FromWire(StatusMapper.ToWire(Status(null))).IngestErrors);
    }
}
