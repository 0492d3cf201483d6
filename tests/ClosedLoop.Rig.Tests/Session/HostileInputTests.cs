using System.Net.Sockets;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;
using ClosedLoop.Rig.Session;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using NetMQ;
using NetMQ.Sockets;
using Xunit;
using Wire = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>
/// The hostile-input suite (issue 7, "Done when"): one running rig with real sockets (gRPC on loopback, ZeroMQ
/// ingest, loop-polled UDP) takes malformed, oversized, future-stamped and flooding input on every transport, and
/// operator e-stop / reset / hold in the middle of it, while a well-behaved publisher keeps sending. Then the
/// session's recording is read back and the safety contract is checked on every output frame: within the channel
/// limits, at the safe level (off) whenever not armed; the loop kept stepping; no rejected sample reached the loop;
/// the good publisher's samples kept arriving. Pupil Core is not part of it (its hostile peers are in the Zmq tests).
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private const double Good = 0.6, Sane = 0.3, Poison = 0.95; // the values tell the publishers apart in the recording
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static double Now => MonoClock.ToSeconds(MonoClock.Now);

    private static Wire.ArousalSample Sample(ulong seq, double value, double time, ulong session) => new()
    {
        Value = value, Confidence = 1, Kind = Wire.SourceKind.External, SourceTimeS = time, Sequence = seq, SessionId = session,
    };

    /// <summary>A sane sample, then one a million seconds ahead (rejected, never moving the reference), alternately; the first is sane.</summary>
    private static Wire.ArousalSample Alternating(ulong seq, ulong session) =>
        seq % 2 == 0 ? Sample(seq, Poison, Now + 1e6 + 10.0 * seq, session) : Sample(seq, Sane, Now, session); // futures 20 s apart: never mutually consistent

    [Fact]
    public async Task HostileInputsOnEveryTransport_SafetyContractHoldsOnEveryRecordedFrame()
    {
        string recording = Path.Combine(_dir, "hostile.cllog");
        var options = RigTestOptions.Create(recording, "", source: "none") with { UdpIngestEndpoint = "127.0.0.1:0" };
        var log = new StringWriter();
        var session = RigSession.Create(options, TextWriter.Synchronized(log));
        long floodFrom, floodTo, hostileFrom;
        await using (session)
        {
            await session.StartAsync();
            string zmq = options.ZmqIngestEndpoint!;
            using var stop = new CancellationTokenSource();
            // The well-behaved publisher: its own session id, a valid sample every 2 ms, all along.
            var good = Task.Run(() =>
            {
                using var pub = new PublisherSocket();
                pub.Options.Linger = TimeSpan.Zero;
                pub.Connect(zmq);
                ulong seq = 0;
                while (!stop.IsCancellationRequested)
                {
                    pub.SendFrame(Sample(++seq, Good, Now, 77).ToByteArray());
                    stop.Token.WaitHandle.WaitOne(2);
                }
            });
            await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed, s_timeout);
            hostileFrom = MonoClock.Now;

            // ZeroMQ: malformed, oversized, future-stamped, then a 2 s flood (another publisher).
            var zmqHostile = Task.Run(() =>
            {
                // An XPUB sees the session's subscription arrive: nothing is sent before it (a PUB would drop it), so the
                // first sample delivered is the sane seq 1 that sets this publisher's clock reference.
                using var pub = new XPublisherSocket();
                pub.Options.Linger = TimeSpan.Zero;
                pub.Connect(zmq);
                Assert.True(pub.TryReceiveFrameBytes(TimeSpan.FromSeconds(30), out _), "no subscription from the rig's ZeroMQ ingest");
                var rng = new Random(7);
                byte[] junk = new byte[60];
                ulong seq = 0;
                var until = DateTime.UtcNow.AddSeconds(2);
                while (DateTime.UtcNow < until)
                {
                    for (int k = 0; k < 200; k++)
                    {
                        pub.TrySendFrame(Alternating(++seq, 66).ToByteArray());
                    }
                    rng.NextBytes(junk);
                    pub.TrySendFrame(junk.AsSpan(0, rng.Next(1, 60)).ToArray());                 // malformed
                    pub.TrySendFrame(new byte[4096]);                                             // oversized
                    pub.SendMoreFrame("a").SendMoreFrame("b").SendFrame(Sample(1, Poison, Now, 66).ToByteArray()); // three frames
                }
            });

            // UDP (polled by the loop thread itself): malformed, oversized, future-stamped, a 2 s flood.
            var udpHostile = Task.Run(() =>
            {
                using var tx = new Socket(SocketType.Dgram, ProtocolType.Udp);
                var to = session.UdpIngest!.LocalEndPoint;
                var rng = new Random(8);
                for (int i = 0; i < 300; i++)
                {
                    byte[] junk = new byte[rng.Next(1, 60)];
                    rng.NextBytes(junk);
                    tx.SendTo(junk, to);
                }
                for (int i = 0; i < 50; i++)
                {
                    tx.SendTo(new byte[1200], to);
                }
                ulong seq = 0;
                var until = DateTime.UtcNow.AddSeconds(2);
                while (DateTime.UtcNow < until)
                {
                    tx.SendTo(Alternating(++seq, 55).ToByteArray(), to);
                }
            });

            // gRPC: future-stamped batches and 20 concurrent streams, an undecodable stream, an oversized
            // LoadConfig, absurd levers.
            using var channel = GrpcChannel.ForAddress(session.Grpc!.Address);
            var ingest = new Wire.Ingest.IngestClient(channel);
            var control = new Wire.Control.ControlClient(channel);
            floodFrom = MonoClock.Now;
            var streams = Enumerable.Range(0, 20).Select(n => Task.Run(async () =>
            {
                using var call = ingest.StreamSamples();
                for (ulong seq = 1; seq <= 2000; seq++)
                {
                    await call.RequestStream.WriteAsync(Alternating(seq, 1000 + (ulong)n));
                }
                await call.RequestStream.CompleteAsync();
                var summary = await call.ResponseAsync;
                Assert.Equal(1000UL, summary.FutureTimestamps);
            })).ToArray();
            var batch = new Wire.ArousalSampleBatch();
            for (ulong seq = 1; seq <= 1000; seq++)
            {
                batch.Samples.Add(Alternating(seq, 44));
            }
            Assert.Equal(500UL, (await ingest.PushBatchAsync(batch)).FutureTimestamps);

            var raw = new Method<byte[], Wire.IngestSummary>(MethodType.ClientStreaming, "closedloop.v1.Ingest", "StreamSamples",
                Marshallers.Create<byte[]>(b => b, b => b), Marshallers.Create(s => s.ToByteArray(), Wire.IngestSummary.Parser.ParseFrom));
            using (var bad = channel.CreateCallInvoker().AsyncClientStreamingCall(raw, null, new CallOptions()))
            {
                await bad.RequestStream.WriteAsync([0x09, 0x01, 0x02]);
                await bad.RequestStream.CompleteAsync();
                Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => bad.ResponseAsync)).StatusCode);
            }
            var huge = await Assert.ThrowsAsync<RpcException>(async () => await control.LoadConfigAsync(new Wire.LoadConfigRequest { Toml = new string('#', 400_000) }));
            Assert.Equal(StatusCode.ResourceExhausted, huge.StatusCode);
            var absurd = await Assert.ThrowsAsync<RpcException>(async () => await control.SetLeversAsync(new Wire.SetLeversRequest { Levers = new Wire.LeverSet { SomaticDrive = 3e38f } }));
            Assert.Equal(StatusCode.InvalidArgument, absurd.StatusCode);

            // The operator in the middle of the flood: e-stop, reset (still held), hold, start.
            await control.EStopAsync(new Wire.EStopRequest { Reason = "hostile drill" });
            await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.EStop, s_timeout);
            await control.ResetEStopAsync(new Wire.ResetEStopRequest());
            long resetAt = session.Runtime.StepsRun;
            var afterReset = await session.Device.WaitForFrameAsync(f => f.Step > resetAt + 100, s_timeout);
            Assert.NotEqual(SafetyState.Armed, afterReset.Safety); // reset leaves outputs held until Start
            await control.StartAsync(new Wire.StartRequest());
            await session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed, s_timeout);
            await control.StopAsync(new Wire.StopRequest());
            long heldAt = session.Runtime.StepsRun;
            await session.Device.WaitForFrameAsync(f => f.Step > heldAt + 50 && f.Safety != SafetyState.Armed, s_timeout);
            await control.StartAsync(new Wire.StartRequest());

            await Task.WhenAll(streams).WaitAsync(s_timeout);
            await Task.WhenAll(zmqHostile, udpHostile).WaitAsync(s_timeout);
            floodTo = MonoClock.Now;
            // Still armed and stepping on the good publisher's input after all of it.
            long end = session.Runtime.StepsRun;
            await session.Device.WaitForFrameAsync(f => f.Step > end + 200 && f.Safety == SafetyState.Armed, s_timeout);
            await stop.CancelAsync();
            await good.WaitAsync(s_timeout);

            var z = session.ZmqIngest!.Counters;
            Assert.True(z[Core.Ingest.IngestError.Malformed] > 0, z.ToString());
            Assert.True(z[Core.Ingest.IngestError.Oversized] > 0, z.ToString());
            Assert.True(z[Core.Ingest.IngestError.FutureTimestamp] > 0, z.ToString());
            var u = session.UdpIngest!.Counters;
            Assert.True(u[Core.Ingest.IngestError.Malformed] + u[Core.Ingest.IngestError.Oversized] > 0, u.ToString());
            Assert.True(u[Core.Ingest.IngestError.FutureTimestamp] > 0, u.ToString());
            Assert.True(session.Grpc.Ingest.Counters[Core.Ingest.IngestError.FutureTimestamp] >= 20 * 1000 + 500);
        }

        // The recording: the safety contract on every output frame, the loop stepping, nothing poisoned getting in.
        var limits = options.Runtime.Channels.Select(c => c.Limits!).ToArray();
        long frames = 0, armed = 0, notArmed = 0, maxGap = 0, lastTicks = 0, goodDuringFlood = 0, goodAfterHostile = 0;
        int eStops = 0;
        await using (var reader = RecordingReader.Open(recording))
        {
            await foreach (var r in reader.ReadRecordsAsync())
            {
                if (r.Type == RecordType.OutputFrame)
                {
                    OutputFrame f = OutputFrameRecord.Decode(r.Payload.Span).At(r.Step);
                    frames++;
                    for (int c = 0; c < f.ChannelCount; c++)
                    {
                        float v = f.Values[c];
                        Assert.True(v >= limits[c].Min && v <= limits[c].Max, $"step {f.Step} channel {c}: {v} outside [{limits[c].Min}, {limits[c].Max}]");
                        if (f.Safety != SafetyState.Armed)
                        {
                            Assert.True(Math.Abs(v - limits[c].SafeLevel) < 1e-6, $"step {f.Step} channel {c}: {v} while {f.Safety}, safe level {limits[c].SafeLevel}");
                        }
                    }
                    armed += f.Safety == SafetyState.Armed ? 1 : 0;
                    notArmed += f.Safety != SafetyState.Armed ? 1 : 0;
                    eStops += f.Safety == SafetyState.EStop ? 1 : 0;
                    if (lastTicks != 0)
                    {
                        maxGap = Math.Max(maxGap, f.Ticks - lastTicks);
                    }
                    lastTicks = f.Ticks;
                }
                else if (r.Type == RecordType.InputSample)
                {
                    var s = InputSampleRecord.Decode(r.Payload.Span).Sample;
                    Assert.NotEqual(Poison, s.Value); // every future-stamped sample was rejected before the loop
                    if (s.Value == Good && s.ArrivalTicks > hostileFrom)
                    {
                        goodAfterHostile++;
                        goodDuringFlood += s.ArrivalTicks < floodTo && s.ArrivalTicks > floodFrom ? 1 : 0;
                    }
                }
            }
            Assert.Empty(reader.Damage);
        }
        Assert.True(armed > 0 && notArmed > 0 && eStops > 0, $"armed {armed}, not armed {notArmed}, e-stop {eStops}");
        Assert.True(frames > 1000, $"{frames} frames");
        Assert.True(maxGap < MonoClock.FromSeconds(2), $"the loop paused {MonoClock.ToSeconds(maxGap):F3} s between two frames");
        Assert.True(goodDuringFlood > 0 && goodAfterHostile >= 10, $"good samples: {goodDuringFlood} during the flood, {goodAfterHostile} after the hostile phase began");
        var summary = await RecordingSummary.ScanAsync(recording);
        Assert.True(summary.ClosedCleanly);
        var calls = summary.ControlCalls!.Select(c => c.Call.Method[(c.Call.Method.LastIndexOf('/') + 1)..]).ToArray();
        Assert.Contains("EStop", calls);
        Assert.Contains("ResetEStop", calls);
        Assert.Contains("Stop", calls);
        Assert.Contains("StreamSamples", calls);
    }
}
