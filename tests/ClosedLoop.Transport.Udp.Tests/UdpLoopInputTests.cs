using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Population.NeuralMass;
using ClosedLoop.Runtime;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.TestSupport;
using Google.Protobuf;
using Xunit;
using Wire = ClosedLoop.Contracts.V1;

namespace ClosedLoop.Transport.Udp.Tests;

/// <summary>The loop polls a real UDP socket; the documented Python sender runs as another process.</summary>
[Collection(AllocationTestsCollection.Name)]
public class UdpLoopInputTests
{
    private static ClosedLoopRuntime Loop(UdpLoopInput udp)
    {
        var rt = new ClosedLoopRuntime(RuntimeConfigPresets.SingleStimulator(1000, 10), new NeuralMassModel(),
            new LinearLeverMap(LeverSet.Neutral, LeverSet.Neutral));
        rt.AttachPolledInput(udp);
        return rt;
    }

    [Fact]
    public async Task PythonSender_LoopUsesTheNewest_BadDatagramsCountedAndDropped()
    {
        using var udp = new UdpLoopInput("127.0.0.1:0");
        var rt = Loop(udp);
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "udp_sender.py"), "127.0.0.1", udp.LocalEndPoint.Port.ToString(CultureInfo.InvariantCulture), "1000", "20" })
        {
            psi.ArgumentList.Add(a);
        }
        using var sender = Process.Start(psi)!;
        await sender.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(sender.ExitCode == 0, await sender.StandardError.ReadToEndAsync());
        using (var bad = new Socket(udp.LocalEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp))
        {
            bad.SendTo(new byte[] { 0x0B, 0x01 }, udp.LocalEndPoint); // wire type 3
            bad.SendTo(new byte[UdpLoopInput.MaxDatagramBytes + 10], udp.LocalEndPoint); // too large
            bad.SendTo(new Wire.ArousalSample { Value = 0.5, Kind = Wire.SourceKind.Pupil, SourceTimeS = 1e9, Sequence = 21 }.ToByteArray(), udp.LocalEndPoint); // needs conditioning
        }
        // Loopback delivers before sendto returns: everything is queued now. One step drains it all.
        var frame = rt.StepOnce();
        Assert.Equal(23, udp.Counters.Received);
        Assert.Equal(20, udp.Counters.Accepted);
        // The undecodable and the oversized datagram are malformed; the pupil sample is rejected too (as malformed, or
        // first as future-stamped by the per-publisher clock guard: its source time is far ahead of the sender's).
        Assert.True(udp.Counters[IngestError.Malformed] >= 2, $"malformed {udp.Counters[IngestError.Malformed]}");
        Assert.Equal(3, udp.Counters.Received - udp.Counters.Accepted);
        Assert.Equal(20UL, frame.InputSequence);
        Assert.Equal(0, rt.InvalidInputs);
        var next = rt.StepOnce(); // nothing new: the loop keeps the last input, no error
        Assert.Equal(20UL, next.InputSequence);
        Assert.Equal(23, udp.Counters.Received);
    }

    [Fact]
    public void TryPoll_AcceptAndEmptyPaths_AllocateNothing()
    {
        using var udp = new UdpLoopInput("127.0.0.1:0", maxDatagramsPerStep: 1);
        var rt = Loop(udp);
        using var tx = new Socket(udp.LocalEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        tx.Connect(udp.LocalEndPoint);
        ulong seq = 0;
        void SendBatch(int n)
        {
            for (int i = 0; i < n; i++)
            {
                tx.Send(new Wire.ArousalSample { Value = 0.3 + 0.001 * i, Confidence = 1, Kind = Wire.SourceKind.External, SourceTimeS = ++seq, Sequence = seq }.ToByteArray());
            }
        }
        SendBatch(150);
        for (int i = 0; i < 50; i++) rt.StepOnce(); // warm: JIT, tiering, lazy statics
        long accepted = udp.Counters.Accepted;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) rt.StepOnce(); // one datagram each
        long acceptBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(accepted + 100, udp.Counters.Accepted);
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 500; i++) rt.StepOnce(); // nothing pending
        long emptyBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, acceptBytes);
        Assert.Equal(0, emptyBytes);
    }

    /// <summary>
    /// The rejection paths on the real-time thread: non-finite values, time going backwards, far-future stamps, sequence
    /// gaps and a flood of made-up session ids (past the 64 tracked publishers, each evicts the oldest) are counted and
    /// dropped without allocating (no detail strings, publisher state reused).
    /// </summary>
    [Fact]
    public void TryPoll_RejectedAndNewPublisherPaths_AllocateNothing()
    {
        using var udp = new UdpLoopInput("127.0.0.1:0", maxDatagramsPerStep: 4);
        var rt = Loop(udp);
        using var tx = new Socket(udp.LocalEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        tx.Connect(udp.LocalEndPoint);
        ulong session = 10_000;
        var hostile = new List<byte[]>();
        void Build(int n)
        {
            hostile.Clear();
            for (int i = 0; i < n; i++)
            {
                ulong id = ++session; // a new publisher every time
                hostile.Add(new Wire.ArousalSample { Value = 0.4, Confidence = 1, Kind = Wire.SourceKind.External, SourceTimeS = 100, Sequence = 1, SessionId = id }.ToByteArray());
                hostile.Add(new Wire.ArousalSample { Value = double.NaN, Confidence = 1, Kind = Wire.SourceKind.External, SourceTimeS = 101, Sequence = 2, SessionId = id }.ToByteArray());
                hostile.Add(new Wire.ArousalSample { Value = 0.4, Confidence = 1, Kind = Wire.SourceKind.External, SourceTimeS = 50, Sequence = 3, SessionId = id }.ToByteArray()); // backwards
                hostile.Add(new Wire.ArousalSample { Value = 0.4, Confidence = 1, Kind = Wire.SourceKind.External, SourceTimeS = 1e7, Sequence = 4, SessionId = id }.ToByteArray()); // far future
                hostile.Add(new Wire.ArousalSample { Value = 0.4, Confidence = 1, Kind = Wire.SourceKind.External, SourceTimeS = 100.01, Sequence = 9, SessionId = id }.ToByteArray()); // gap
            }
        }
        long Drive(int publishers)
        {
            Build(publishers);
            long received = udp.Counters.Received;
            long before = GC.GetAllocatedBytesForCurrentThread();
            // Four datagrams, one step (the socket's receive buffer holds only a few hundred small datagrams).
            for (int i = 0; i < hostile.Count; i++)
            {
                tx.Send(hostile[i]);
                if (i % 4 == 3)
                {
                    rt.StepOnce();
                }
            }
            rt.StepOnce();
            long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(received + hostile.Count, udp.Counters.Received);
            return bytes;
        }
        // Warm: every path compiled, the 64 publisher slots filled (their first allocation), eviction exercised.
        Drive(80);
        Drive(80);
        long accepted = udp.Counters.Accepted;
        long bytes = Drive(40);
        Assert.Equal(accepted + 80, udp.Counters.Accepted); // the first sample and the gap sample of each publisher
        Assert.True(udp.Counters[IngestError.NonFinite] >= 40 * 3);
        Assert.True(udp.Counters[IngestError.FutureTimestamp] >= 40 * 3);
        Assert.True(udp.Counters[IngestError.TimeWentBackwards] >= 40 * 3);
        // The datagram arrays above were built before the window; sending and stepping allocate nothing.
        Assert.Equal(0, bytes);
    }
}
