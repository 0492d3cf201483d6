using System.Net;
using System.Net.Sockets;
using SourceKind = ClosedLoop.Contracts.V1.SourceKind;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Transport.Zmq.Outputs;
using ClosedLoop.Transport.Zmq.Samples;
using ClosedLoop.Transport.Zmq.Tests.Support;
using Google.Protobuf;
using NetMQ;
using NetMQ.Sockets;
using Xunit;
using WireSample = ClosedLoop.Contracts.V1.ArousalSample;

namespace ClosedLoop.Transport.Zmq.Tests;

/// <summary>
/// CURVE on our bound ZeroMQ sockets (issue 7, defect 4), real sockets on every interface: a client with the
/// server's public key gets through, one without CURVE or with another server key does not; binding off the
/// machine without CURVE is refused.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CurveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cl-curve-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Any, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private (NetMQCertificate Server, string PublicKey) ServerKeys(string name = "server")
    {
        string secret = Path.Combine(_dir, name + ".key"), pub = Path.Combine(_dir, name + ".pub");
        string publicKey = ZmqCurve.WriteKeyPair(secret, pub);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret));
        Assert.Equal(NetMQCertificate.FromPublicKey(publicKey).PublicKey, ZmqCurve.LoadPublicKey(pub));
        return (ZmqCurve.LoadSecretKey(secret), publicKey);
    }

    private static byte[] Sample(ulong seq, double value, ulong session) => new WireSample
    {
        Value = value, Confidence = 1f, Kind = SourceKind.External, SourceTimeS = seq * 0.001, Sequence = seq, SessionId = session,
    }.ToByteArray();

    /// <summary>A publisher thread that sends one sample every 2 ms until cancelled (PUB/SUB joins late; keep sending).</summary>
    private static Task Publish(string endpoint, Action<PublisherSocket> configure, double value, ulong session, CancellationToken ct) => Task.Run(() =>
    {
        using var pub = new PublisherSocket();
        pub.Options.Linger = TimeSpan.Zero;
        configure(pub);
        pub.Connect(endpoint);
        ulong seq = 1;
        while (!ct.IsCancellationRequested)
        {
            pub.SendFrame(Sample(seq++, value, session));
            ct.WaitHandle.WaitOne(2);
        }
    }, CancellationToken.None);

    [Fact]
    public async Task Ingest_OnEveryInterface_OnlyCurveClientsWithTheServerKeyGetThrough()
    {
        var (server, serverPublic) = ServerKeys();
        var (_, otherPublic) = ServerKeys("other");
        int port = FreePort();
        await using var source = new ZmqSampleSource(new ZmqSampleSourceOptions { Endpoint = $"tcp://0.0.0.0:{port}", Bind = true, CurveCertificate = server });
        source.Open();
        var sink = new RecordingSink();
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(sink, cts.Token);
        string to = $"tcp://127.0.0.1:{port}";
        Task[] senders =
        [
            Publish(to, _ => { }, 0.1, 1, cts.Token), // no CURVE
            Publish(to, p => { p.Options.CurveServerKey = NetMQCertificate.FromPublicKey(otherPublic).PublicKey; p.Options.CurveCertificate = new NetMQCertificate(); }, 0.2, 2, cts.Token), // wrong server key
            Publish(to, p => { p.Options.CurveServerKey = NetMQCertificate.FromPublicKey(serverPublic).PublicKey; p.Options.CurveCertificate = new NetMQCertificate(); }, 0.9, 3, cts.Token),
        ];
        await sink.WaitUntilAsync((s, _) => s.Count >= 50, "50 samples from the CURVE client", seconds: 30);
        await Task.Delay(1000); // the refused clients keep trying meanwhile
        await cts.CancelAsync();
        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(10));
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(sink.Samples, s => Assert.Equal(0.9, s.Value));
    }

    [Fact]
    public async Task Outputs_CurveSubscriberReceives_PlainSubscriberDoesNot()
    {
        var (server, serverPublic) = ServerKeys();
        var outputs = new BroadcastRing<OutputFrame>(1024);
        await using var publisher = new ZmqOutputPublisher(new ZmqOutputPublisherOptions { Endpoint = "tcp://0.0.0.0:*", CurveCertificate = server }, outputs, null, ReadoutNames.Legacy);
        string bound = await publisher.StartAsync().WaitAsync(TimeSpan.FromSeconds(10));
        string to = "tcp://127.0.0.1:" + bound[(bound.LastIndexOf(':') + 1)..];
        using var good = new SubscriberSocket();
        good.Options.CurveServerKey = NetMQCertificate.FromPublicKey(serverPublic).PublicKey;
        good.Options.CurveCertificate = new NetMQCertificate();
        good.Connect(to);
        good.SubscribeToAnyTopic();
        using var plain = new SubscriberSocket();
        plain.Connect(to);
        plain.SubscribeToAnyTopic();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long step = 0;
        bool received = false;
        while (!received && DateTime.UtcNow < deadline)
        {
            outputs.Write(new OutputFrame { Step = step++, ChannelCount = 1, Safety = SafetyState.Disarmed });
            var msg = new NetMQMessage();
            received = good.TryReceiveMultipartMessage(TimeSpan.FromMilliseconds(20), ref msg);
        }
        Assert.True(received);
        for (int i = 0; i < 50; i++)
        {
            outputs.Write(new OutputFrame { Step = step++, ChannelCount = 1, Safety = SafetyState.Disarmed });
            Thread.Sleep(2);
        }
        var none = new NetMQMessage();
        Assert.False(plain.TryReceiveMultipartMessage(TimeSpan.FromMilliseconds(500), ref none));
    }

    [Theory]
    [InlineData("tcp://0.0.0.0:5556")]
    [InlineData("tcp://*:5556")]
    [InlineData("tcp://192.168.1.20:5556")]
    [InlineData("tcp://[::]:5556")]
    public async Task NetworkEndpoint_WithoutCurve_Refused(string endpoint)
    {
        Assert.False(ZmqCurve.IsLocal(endpoint));
        await using var source = new ZmqSampleSource(new ZmqSampleSourceOptions { Endpoint = endpoint, Bind = true });
        var ex = Assert.Throws<IOException>(source.Open);
        Assert.Contains("needs CURVE", ex.Message, StringComparison.Ordinal);
        await using var publisher = new ZmqOutputPublisher(new ZmqOutputPublisherOptions { Endpoint = endpoint }, new BroadcastRing<OutputFrame>(16), null, ReadoutNames.Legacy);
        await Assert.ThrowsAsync<IOException>(() => publisher.StartAsync().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:5556")]
    [InlineData("tcp://127.3.4.5:5556")]
    [InlineData("tcp://localhost:5556")]
    [InlineData("tcp://[::1]:5556")]
    [InlineData("ipc:///tmp/x")]
    [InlineData("inproc://x")]
    public void LocalEndpoints_AreLocal(string endpoint) => Assert.True(ZmqCurve.IsLocal(endpoint));

    [Fact]
    public void SecretKeyFile_OpenToOthersOrMalformed_Refused()
    {
        string secret = Path.Combine(_dir, "s.key");
        ZmqCurve.WriteKeyPair(secret, Path.Combine(_dir, "s.pub"));
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Throws<UnauthorizedAccessException>(() => ZmqCurve.LoadSecretKey(secret));
        string bad = Path.Combine(_dir, "bad.key");
        File.WriteAllText(bad, "# comment\nnot-a-key\n");
        File.SetUnixFileMode(bad, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Throws<InvalidDataException>(() => ZmqCurve.LoadSecretKey(bad));
    }
}
