using System.Diagnostics;
using ClosedLoop.Rig.Session;
using ClosedLoop.TestSupport;
using NetMQ;
using NetMQ.Sockets;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>
/// NetMQ's buffer pool is process-wide. A process (a test host, a program embedding the rig) that opens its own NetMQ
/// sockets before a session starts must survive the session: nothing the session does may switch the pool under
/// messages already taken from it (a heap buffer handed back to the pooled manager crashed NetMQ, and the process).
/// </summary>
public sealed class NetMqBeforeSessionTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SocketsMadeAndUsedBeforeASession_MessagesInFlightAcrossIt_NothingCrashesAndAllArrive()
    {
        using var pub = new PublisherSocket();
        pub.Options.SendHighWatermark = 0;
        int port = pub.BindRandomPort("tcp://127.0.0.1");
        using var sub = new SubscriberSocket();
        sub.Options.ReceiveHighWatermark = 0;
        sub.Connect($"tcp://127.0.0.1:{port}");
        sub.Subscribe("t");
        var payload = new byte[1000]; // beyond NetMQ's inline (pool-less) small-message size
        var clock = Stopwatch.StartNew();
        while (!sub.TryReceiveFrameString(TimeSpan.FromMilliseconds(50), out _))
        {
            Assert.True(clock.Elapsed < Bound, "the subscriber never joined");
            pub.SendMoreFrame("t").SendFrame(payload); // until the subscription has reached the publisher
        }
        while (sub.TryReceiveFrameBytes(TimeSpan.FromMilliseconds(200), out _))
        {
            // drain the joining burst
        }
        // Messages in flight across the session's start: taken from the pool of the moment before it, handed back after.
        const int inFlight = 500;
        for (int i = 0; i < inFlight; i++)
        {
            payload[0] = (byte)i;
            pub.SendMoreFrame("t").SendFrame(payload);
        }

        using var dir = new TempDirectory();
        var session = RigSession.Create(RigTestOptions.Create(Path.Combine(dir.Path, "netmq.cllog")));
        await session.StartAsync();
        clock.Restart();
        while (session.Runtime.StepsRun < 200)
        {
            Assert.True(clock.Elapsed < Bound, "the loop did not run 200 steps");
            await Task.Delay(20);
        }

        int received = 0;
        clock.Restart();
        while (received < inFlight)
        {
            Assert.True(clock.Elapsed < Bound, $"{received} of {inFlight} messages sent before the session arrived");
            if (sub.TryReceiveFrameString(TimeSpan.FromMilliseconds(200), out string? topic))
            {
                Assert.Equal("t", topic);
                var body = sub.ReceiveFrameBytes();
                Assert.Equal(payload.Length, body.Length);
                Assert.Equal((byte)received, body[0]);
                received++;
            }
        }
        // And the old pair still works with the session running.
        for (int i = 0; i < 100; i++)
        {
            pub.SendMoreFrame("t").SendFrame(payload);
        }
        for (int i = 0; i < 100; i++)
        {
            Assert.True(sub.TryReceiveFrameString(Bound, out _), $"message {i} after the session started");
            sub.ReceiveFrameBytes();
        }
        await session.DisposeAsync();
        Assert.Null(session.RecordingFault);
    }
}
