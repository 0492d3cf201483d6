using System.Buffers;
using ClosedLoop.Bridge.Framing;
using ClosedLoop.Bridge.Protocol;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Bridge;

public sealed partial class BridgeDevice
{
    private long _warmUpFramesEncoded;

    /// <summary>Output frames the last <see cref="WarmUp"/> stamped and encoded on its scratch twin (none reached the
    /// device; a test's proof that the warm start ran the real path).</summary>
    public long WarmUpFramesEncoded => Volatile.Read(ref _warmUpFramesEncoded);

    /// <summary>
    /// Warm start (docs/bridge.md, "Warm start"): the writer's per-frame path (count, stamp from the newest device
    /// heartbeat, COBS and CRC with the next sequence number) and the reader's (decode a device heartbeat, its fault
    /// and counter handling, the clock-offset estimate) run on <paramref name="scratch"/> frames and on device
    /// heartbeats encoded here, inside a <em>scratch twin</em> of this device built from the same options: its own
    /// counters, sequence numbers, decoder and heartbeat, and no link. Nothing is written to the port, no counter of
    /// this device moves (only <see cref="WarmUpFramesEncoded"/>), nothing is armed or acknowledged; safe to call while
    /// this device's own run is connected (the twin shares no state with it). The twin then repeats the pass in the
    /// background for 1 s (<see cref="WarmUpRepeat"/>) so the tiered recompilations also come before the clock.
    /// </summary>
    public void WarmUp(ReadOnlySpan<OutputFrame> scratch)
    {
        var twin = new BridgeDevice(_options);
        twin.RunWarmUp(scratch);
        Volatile.Write(ref _warmUpFramesEncoded, twin.FramesSent);
        var frames = scratch.ToArray();
        _warmUpRepeat = WarmUpRepeat.Start(() => twin.RunWarmUp(frames), _disposed.Token); // the tier-up, before the clock
    }

    private Task? _warmUpRepeat;

    private void RunWarmUp(ReadOnlySpan<OutputFrame> scratch)
    {
        var wire = new byte[BridgeProtocol.MaxWire * 64];
        var fromDevice = new byte[BridgeProtocol.MaxWire];
        _limitsAcknowledged = true; // the twin's: so its heartbeat handling runs the acknowledging branch too
        long deviceStartUs = 1_000_000;
        ushort deviceSeq = 0;
        int batch = 0;
        for (int i = 0; i < scratch.Length; i++)
        {
            long now = MonoClock.Now;
            if (i % 10 == 5)
            {
                // A device heartbeat as the firmware sends it every 10 ms; some carry a trip fault and an echo. The first
                // five frames go before any heartbeat: the "skipped, nothing to stamp with" branch.
                var hb = new DeviceHeartbeat
                {
                    DeviceTimeUs = (ulong)(deviceStartUs + i * 1000L),
                    EchoHostTimeNs = i % 20 == 15 ? (ulong)TicksToNs(now) : 0,
                    EchoHoldUs = 50,
                    State = i % 40 == 35 ? DeviceState.Ready : DeviceState.Armed,
                    Faults = i % 100 == 75 ? Faults.StaleOutput : Faults.None,
                    OutputsStale = (uint)(i / 100),
                };
                int n = BridgeFrame.Encode(hb, deviceSeq++, fromDevice);
                var bytes = new ReadOnlySequence<byte>(fromDevice, 0, n);
                Parse(ref bytes);
            }
            if (batch > wire.Length - 2 * BridgeProtocol.MaxWire)
            {
                batch = 0; // the scratch buffer is reused: nothing is ever written anywhere
            }
            batch += EncodeOutput(scratch[i], wire.AsSpan(batch));
            if (i % 10 == 0)
            {
                batch += EncodeHostHeartbeat(now, wire.AsSpan(batch));
            }
        }
    }
}
