using System.Net.Sockets;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;
using ClosedLoop.Rig.Session;
using Google.Protobuf;
using Xunit;
using Wire = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>endpoints.udp_ingest: the session's loop polls the socket; arousal arrives with no ingest thread and arms the outputs.</summary>
public sealed class UdpIngestSessionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-udp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task UdpIngest_SamplesReachTheLoop_OutputsArm()
    {
        var options = RigTestOptions.Create(Path.Combine(_dir, "udp.cllog"), "", source: "none") with { UdpIngestEndpoint = "127.0.0.1:0" };
        await using var session = RigSession.Create(options);
        await session.StartAsync();
        Assert.NotNull(session.UdpIngest);
        using var tx = new Socket(SocketType.Dgram, ProtocolType.Udp);
        var armed = session.Device.WaitForFrameAsync(f => f.Safety == SafetyState.Armed && f.InputSequence >= 1, TimeSpan.FromSeconds(20));
        ulong seq = 0;
        while (!armed.IsCompleted && seq < 20_000)
        {
            double t = MonoClock.ToSeconds(MonoClock.Now);
            tx.SendTo(new Wire.ArousalSample { Value = 0.6, Confidence = 1, Kind = Wire.SourceKind.External, SourceTimeS = t, Sequence = ++seq }.ToByteArray(), session.UdpIngest!.LocalEndPoint);
            await Task.WhenAny(armed, Task.Delay(1));
        }
        var frame = await armed;
        Assert.InRange(frame.InputSequence, 1UL, seq);
        Assert.True(session.UdpIngest!.Counters.Accepted >= 1);
        Assert.Equal(0, session.UdpIngest.Counters.TotalErrors);
    }
}
