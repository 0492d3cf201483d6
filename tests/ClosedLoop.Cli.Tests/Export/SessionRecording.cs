using System.Net;
using System.Net.Sockets;
using ClosedLoop.Rig.Config;
using ClosedLoop.Rig.Session;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Cli.Tests.Export;

/// <summary>
/// One real short session shared by the export and plot tests: the rig (300 cells, synthetic pupil) runs, the
/// operator overrides a lever, e-stops and resets, and the session stops cleanly; the recording is what they read.
/// </summary>
public sealed class SessionRecording : IAsyncLifetime
{
    /// <summary>The test collection that shares one session.</summary>
    public const string Collection = "session recording";

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    /// <summary>The recording.</summary>
    public string Path { get; private set; } = "";

    /// <summary>A scratch directory that lives as long as the fixture.</summary>
    public string Directory => _dir.Path;

    public async Task InitializeAsync()
    {
        Path = _dir.File("session.cllog");
        string toml = $"""
            [model]
            cells = 300
            [source]
            kind = "synthetic"
            [source.synthetic]
            sample_rate_hz = 200
            [endpoints]
            grpc_port = -1
            zmq_ingest = "tcp://127.0.0.1:{FreePort()}"
            zmq_publish = "tcp://127.0.0.1:{FreePort()}"
            [recording]
            path = "{Path}"
            """;
        var options = RigConfigParser.Parse(toml);
        await using var session = RigSession.Create(options);
        await session.StartAsync();
        await session.Device.WaitForFrameAsync(f => f.Safety == Core.Outputs.SafetyState.Armed, s_timeout);
        long now = session.Runtime.StepsRun;
        await session.Device.WaitForFrameAsync(f => f.Step > now + 300, s_timeout);
        var levers = Core.Levers.LeverSet.Neutral;
        levers.Coupling = 0.5f;
        session.OverrideLevers(levers);
        now = session.Runtime.StepsRun;
        await session.Device.WaitForFrameAsync(f => f.Step > now + 200, s_timeout);
        session.EStop("export test");
        now = session.Runtime.StepsRun;
        await session.Device.WaitForFrameAsync(f => f.Step > now + 200, s_timeout);
        session.ResetEStop();
        session.OverrideLevers(null);
        Assert.True(session.Resume());
        now = session.Runtime.StepsRun;
        await session.Device.WaitForFrameAsync(f => f.Step > now + 200, s_timeout);
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

/// <summary>The export and plot tests share one <see cref="SessionRecording"/>.</summary>
[CollectionDefinition(SessionRecording.Collection)]
public sealed class SessionRecordingCollection : ICollectionFixture<SessionRecording>;
