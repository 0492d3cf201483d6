using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;
using ClosedLoop.Rig.Session;
using Google.Protobuf;
using NetMQ;
using NetMQ.Sockets;
using Xunit;
using Wire = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>
/// Issue 10: the ZeroMQ and gRPC latency probes showed arrival -> output outliers of 0.25 to 0.56 s, always at the end
/// of a run. Once the sender stopped, the session's staleness poll (every 10 ms) re-published the last sample's stamps
/// as a Stale estimate and the loop stamped each one as a new input. The whole chain here is real: a ZeroMQ PUB in the
/// test, the session's ZeroMQ ingest thread, the conditioner and its staleness poll, the loop thread and the recording.
/// </summary>
public sealed class IngestLatencyStampSessionTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-stamps-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ZmqIngest_SenderStops_StalenessPollIsNotStampedAsInputLatency()
    {
        string rec = Path.Combine(_dir, "stamps.cllog");
        // Stale after 30 ms so that the poll re-publishes soon after the sender stops.
        var options = RigTestOptions.Create(rec, "[direct]\nstale_after_ms = 30", source: "none");
        ulong sent = 0;
        long staleRead;
        await using (var session = RigSession.Create(options))
        {
            await session.StartAsync();
            using var pub = new PublisherSocket();
            pub.Connect(options.ZmqIngestEndpoint!);
            // PUB/SUB joins asynchronously: send every 2 ms until the loop has used 20 samples.
            var deadline = DateTime.UtcNow + s_timeout;
            while (!(session.Device.TryGetLastFrame(out var f) && f.InputSequence >= 20))
            {
                Assert.True(DateTime.UtcNow < deadline, "the loop never used 20 ZeroMQ samples");
                var sample = new Wire.ArousalSample
                {
                    Value = 0.6, Confidence = 1, Kind = Wire.SourceKind.External, SourceTimeS = MonoClock.ToSeconds(MonoClock.Now), Sequence = ++sent,
                };
                pub.SendFrame(sample.ToByteArray());
                await Task.Delay(2);
            }
            long invalidBefore = session.Runtime.InvalidInputs;
            // The sender has stopped: wait (for a state, not a time) until the loop has read several stale re-publications.
            deadline = DateTime.UtcNow + s_timeout;
            while (session.Runtime.InvalidInputs < invalidBefore + 5)
            {
                Assert.True(DateTime.UtcNow < deadline, "the staleness poll never reached the loop");
                await Task.Delay(5);
            }
            staleRead = session.Runtime.InvalidInputs - invalidBefore;
        }

        var log = await RecordingReader.ReadAllAsync(rec);
        Assert.Empty(log.Damage);
        var estimates = log.Records.Where(r => r.Type == RecordType.ArousalEstimate)
            .Select(r => ArousalEstimateRecord.Decode(r.Payload.Span).Estimate).ToList();
        Assert.True(estimates.Count(e => e.Quality == SampleQuality.Stale) >= staleRead, "the stale re-publications were not recorded as inputs");
        var stamps = log.Records.Where(r => r.Type == RecordType.InputLatency).Select(r => InputLatencyRecord.Decode(r.Payload.Span)).ToList();
        Assert.NotEmpty(stamps);
        // One stamp per arrival: no sequence twice (each re-publication repeated the last sample's), none beyond what was sent.
        var repeated = stamps.GroupBy(s => s.InputSequence).Where(g => g.Count() > 1).Select(g => $"#{g.Key} x{g.Count()}").ToList();
        Assert.True(repeated.Count == 0, $"inputs stamped more than once: {string.Join(", ", repeated)}");
        Assert.All(stamps, s => Assert.InRange(s.InputSequence, 1UL, sent));
        // And every stamp's arrival is that of the raw sample with its sequence (the ingest tap recorded each as it arrived).
        var arrivals = log.Records.Where(r => r.Type == RecordType.InputSample).Select(r => InputSampleRecord.Decode(r.Payload.Span).Sample)
            .ToDictionary(s => s.Sequence, s => s.ArrivalTicks);
        Assert.All(stamps, s => Assert.Equal(arrivals[s.InputSequence], s.ArrivalTicks));
    }
}
