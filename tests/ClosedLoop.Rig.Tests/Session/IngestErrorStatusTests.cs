using ClosedLoop.Contracts.V1;
using ClosedLoop.Rig.Session;
using Grpc.Net.Client;
using Xunit;
using Wire = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>The control Status carries ingest errors by kind with the newest one's text, through a real gRPC server.</summary>
public sealed class IngestErrorStatusTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-ingest-status-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ArousalSample Sample(ulong seq, double value, double time) => new()
    {
        Value = value, Confidence = 1, Kind = SourceKind.External, SourceTimeS = time, Sequence = seq, SessionId = 4242,
    };

    [Fact]
    public async Task GetStatus_RejectedSamples_CountedByKindWithTheNewestText()
    {
        var options = RigTestOptions.Create(Path.Combine(_dir, "status.cllog"), source: "none");
        await using var session = RigSession.Create(options);
        await session.StartAsync();
        var grpc = session.Grpc!;
        using var channel = GrpcChannel.ForAddress(grpc.Address);
        var control = new Control.ControlClient(channel);
        var ingest = new Wire.Ingest.IngestClient(channel);

        // The gRPC ingest refuses calls (UNAVAILABLE) until the session's source has attached to it, just after start.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!grpc.Ingest.HasSink && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        Assert.True(grpc.Ingest.HasSink);
        var before = await control.GetStatusAsync(new GetStatusRequest());
        Assert.Empty(before.IngestErrors); // nothing went wrong yet: no entry at all, not zeros

        double now = Core.Time.MonoClock.ToSeconds(Core.Time.MonoClock.Now);
        var batch = new ArousalSampleBatch();
        batch.Samples.Add(Sample(1, 0.5, now));
        batch.Samples.Add(Sample(2, double.NaN, now + 0.001));                 // NonFinite
        batch.Samples.Add(Sample(3, double.PositiveInfinity, now + 0.002));    // NonFinite again: the newest text wins
        batch.Samples.Add(Sample(4, 0.5, now - 100));                          // TimeWentBackwards
        var summary = await ingest.PushBatchAsync(batch);
        Assert.Equal(1u, summary.Accepted);
        Assert.Equal(2u, summary.NonFinite);

        var status = await control.GetStatusAsync(new GetStatusRequest());
        var byKind = status.IngestErrors.ToDictionary(e => e.Kind);
        Assert.Equal(new[] { "NonFinite", "TimeWentBackwards" }, status.IngestErrors.Select(e => e.Kind).ToArray()); // in kind order, only those seen
        Assert.Equal(2, byKind["NonFinite"].Count);
        Assert.Contains("(seq 3)", byKind["NonFinite"].LastDetail, StringComparison.Ordinal);
        Assert.Equal(1, byKind["TimeWentBackwards"].Count);
        Assert.Contains("(seq 4)", byKind["TimeWentBackwards"].LastDetail, StringComparison.Ordinal);

        // The Core view the dashboard and CLI share says the same.
        var mapped = Transport.Grpc.Control.StatusMapper.FromWire(status).IngestErrors!;
        Assert.Equal(2, mapped.Count);
        Assert.Equal((Core.Ingest.IngestError.NonFinite, 2L), (mapped[0].Kind, mapped[0].Count));
    }
}
