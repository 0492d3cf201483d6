using System.Buffers;
using System.IO.Pipelines;
using ClosedLoop.Bridge.Framing;
using ClosedLoop.Bridge.Links;
using ClosedLoop.Bridge.Protocol;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Bridge;

public sealed partial class BridgeDevice
{
    private void WriteLoop(TtyLink output, BroadcastRingReader<OutputFrame> frames, CancellationToken ct)
    {
        try
        {
            WriteSession(output, frames, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is TimeoutException or LinkCutException { InnerException: TimeoutException })
        {
            // Connected but not answering or not reading: a stall. What is still queued for it is stale: drop what the
            // serial driver has not sent yet (bytes already on the device's side cannot be taken back).
            if (_armedThisSession)
            {
                Interlocked.Increment(ref _stalls);
            }
            output.DiscardOutput();
            throw;
        }
    }

    private void WriteSession(TtyLink output, BroadcastRingReader<OutputFrame> frames, CancellationToken ct)
    {
        var wire = new byte[BridgeProtocol.MaxWire * 64];
        long silence = MonoClock.FromMicroseconds(_options.SilenceTimeoutMs * 1000);
        uint nonce = ++_nonce;
        Send(output, new Hello { Version = BridgeProtocol.Version, Nonce = nonce }, wire, ct);
        var hello = Wait(_helloWaiter!.Task, ct);
        if (hello.Version != BridgeProtocol.Version)
        {
            throw new BridgeRefusedException(hello.Version < BridgeProtocol.Version
                ? $"device firmware speaks bridge protocol {hello.Version}, this host needs {BridgeProtocol.Version} (since 2 output frames carry the device time seen and the device refuses stale ones): update the firmware"
                : $"device firmware speaks bridge protocol {hello.Version}, newer than this host's {BridgeProtocol.Version}: update the host");
        }
        if (hello.Nonce != nonce)
        {
            throw new BridgeRefusedException($"HelloAck answers another Hello (nonce {hello.Nonce:x8}, expected {nonce:x8})");
        }
        uint id = ++_limitsId;
        Send(output, _options.Limits.ToMessage(id), wire, ct);
        var ack = Wait(_limitsWaiter!.Task, ct);
        LastLimitsResult = ack.Result;
        if (ack.LimitsId != id || ack.Result != LimitsResult.Accepted)
        {
            throw new BridgeRefusedException($"device refused limits: {ack.Result} (channel {ack.Channel})");
        }
        _limitsAcknowledged = true;
        _armedThisSession = true;
        while (frames.TryRead(out _))
        {
            // Frames produced before the device accepted its limits are stale: never replay them.
        }
        long heartbeatTicks = MonoClock.FromMicroseconds(_options.HeartbeatIntervalMs * 1000);
        long nextHeartbeat = 0;
        while (!ct.IsCancellationRequested)
        {
            bool any = false;
            int batch = 0;
            while (batch <= wire.Length - 2 * BridgeProtocol.MaxWire && frames.TryRead(out var frame))
            {
                int n = EncodeOutput(frame, wire.AsSpan(batch));
                batch += n;
                any |= n > 0;
            }
            long now = MonoClock.Now;
            if (now - Volatile.Read(ref _lastRx) > silence)
            {
                throw new TimeoutException($"{_options.Port}: no frame from the device for {_options.SilenceTimeoutMs} ms while connected: device stalled");
            }
            if (now >= nextHeartbeat)
            {
                batch += EncodeHostHeartbeat(now, wire.AsSpan(batch));
                nextHeartbeat = now + heartbeatTicks;
                any = true;
            }
            if (any)
            {
                // One write per drain, on this thread (no thread-pool hop); a device that stops reading is a stall.
                output.Write(wire.AsSpan(0, batch), _options.SilenceTimeoutMs, ct);
            }
            else
            {
                NativeSleep.Microseconds(_options.PollIntervalUs);
            }
        }
    }

    /// <summary>
    /// One output frame as it goes to the device: counted, stamped with the newest device heartbeat (or skipped and
    /// counted when there is none yet), encoded (COBS, CRC) with the next sequence number into <paramref name="wire"/>.
    /// Returns the bytes encoded, 0 for a skipped frame. The writer's per-frame path, and what the warm start runs on a
    /// scratch twin (<see cref="WarmUp"/>).
    /// </summary>
    private int EncodeOutput(in OutputFrame frame, Span<byte> wire)
    {
        Interlocked.Increment(ref _framesReceived);
        var (seenUs, seenRx) = ReadSeen();
        if (seenUs == 0)
        {
            Interlocked.Increment(ref _framesSkipped); // no heartbeat yet: nothing to bound the frame's age with
            return 0;
        }
        var m = new Output
        {
            Step = (uint)frame.Step,
            InputSequence = (uint)frame.InputSequence,
            DeviceTimeSeenUs = Stamp(frame.Ticks, seenUs, seenRx),
            Safety = (HostSafety)(byte)frame.Safety,
            ChannelCount = (byte)Math.Min(frame.ChannelCount, BridgeProtocol.MaxChannels),
        };
        for (int i = 0; i < m.ChannelCount; i++)
        {
            m.Values[i] = frame.Values[i];
        }
        int n = BridgeFrame.Encode(m, _txSeq++, wire);
        Interlocked.Increment(ref _framesSent);
        Volatile.Write(ref _lastStepSent, frame.Step);
        return n;
    }

    private int EncodeHostHeartbeat(long now, Span<byte> wire) =>
        BridgeFrame.Encode(new HostHeartbeat { HostTimeNs = (ulong)TicksToNs(now) }, _txSeq++, wire);

    private T Wait<T>(Task<T> task, CancellationToken ct)
    {
        if (!task.Wait(TimeSpan.FromMilliseconds(_options.ReplyTimeoutMs), ct))
        {
            throw new TimeoutException($"no {typeof(T).Name} within {_options.ReplyTimeoutMs} ms");
        }
        return task.Result;
    }

    private void Send<T>(TtyLink output, in T message, byte[] wire, CancellationToken ct)
        where T : struct, IBridgeMessage<T>
    {
        int n = BridgeFrame.Encode(message, _txSeq++, wire);
        output.Write(wire.AsSpan(0, n), _options.ReplyTimeoutMs, ct);
    }

    private static long TicksToNs(long ticks) => (long)(ticks * (1e9 / MonoClock.Frequency));

    /// <summary>
    /// The stamp of a frame produced at <paramref name="producedTicks"/>: a device time not later than the device's clock
    /// at the frame's production. The heartbeat that arrived at <paramref name="seenRxTicks"/> was sent at device time
    /// <paramref name="seenUs"/>, so at its arrival the device's clock read at least that; a frame produced after the
    /// arrival gets <paramref name="seenUs"/>, an older one that less the host time between (rounded up; the two clocks
    /// are taken to run at the same rate: a 100 ppm crystal errs 10 us in 100 ms). Never 0 (0 is "unstamped").
    /// </summary>
    internal static ulong Stamp(long producedTicks, ulong seenUs, long seenRxTicks)
    {
        long lag = seenRxTicks - producedTicks;
        if (lag <= 0)
        {
            return seenUs;
        }
        double lagUs = Math.Ceiling(MonoClock.ToMicroseconds(lag));
        return lagUs < seenUs ? seenUs - (ulong)lagUs : 1;
    }

    // The newest device heartbeat (device time, host arrival ticks): written by the reader, read by the writer as a
    // consistent pair (a sequence lock: odd while being written; no lock, no allocation).
    private long _seenSeq, _seenUs, _seenRx;

    private void PublishSeen(ulong deviceUs, long rxTicks)
    {
        long seq = Volatile.Read(ref _seenSeq);
        Volatile.Write(ref _seenSeq, seq + 1);
        Interlocked.MemoryBarrier();
        Volatile.Write(ref _seenUs, (long)deviceUs);
        Volatile.Write(ref _seenRx, rxTicks);
        Volatile.Write(ref _seenSeq, seq + 2);
    }

    private (ulong DeviceUs, long RxTicks) ReadSeen()
    {
        while (true)
        {
            long before = Volatile.Read(ref _seenSeq);
            long us = Volatile.Read(ref _seenUs), rx = Volatile.Read(ref _seenRx);
            Interlocked.MemoryBarrier();
            if ((before & 1) == 0 && Volatile.Read(ref _seenSeq) == before)
            {
                return ((ulong)us, rx);
            }
            Thread.SpinWait(1);
        }
    }

    private async Task ReadLoopAsync(PipeReader input, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(ct).ConfigureAwait(false);
                var buffer = result.Buffer;
                Parse(ref buffer);
                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    throw new IOException("device closed the link");
                }
            }
        }
        catch (IOException)
        {
            _limitsAcknowledged = false; // at once: the session's teardown (the writer's exit) comes after
            throw;
        }
    }

    private void Parse(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            var r = _decoder.TryRead(ref buffer, out var frame, out _);
            if (r == FrameReadResult.NeedMore)
            {
                return;
            }
            if (r == FrameReadResult.Frame)
            {
                Handle(frame);
            }
        }
    }

    private void Handle(ReceivedFrame frame)
    {
        if (_rxSeqNext >= 0 && frame.Seq != _rxSeqNext)
        {
            Interlocked.Add(ref _hostSeqGaps, (ushort)(frame.Seq - _rxSeqNext));
        }
        _rxSeqNext = (ushort)(frame.Seq + 1);
        Volatile.Write(ref _lastRx, MonoClock.Now);
        switch (frame.Type)
        {
            case MessageType.HelloAck:
                _helloWaiter?.TrySetResult(frame.Read<HelloAck>());
                break;
            case MessageType.LimitsAck:
                _limitsWaiter?.TrySetResult(frame.Read<LimitsAck>());
                break;
            case MessageType.DeviceHeartbeat:
                OnHeartbeat(frame.Read<DeviceHeartbeat>());
                break;
        }
    }

    private void OnHeartbeat(in DeviceHeartbeat hb)
    {
        long now = MonoClock.Now;
        Interlocked.Increment(ref _heartbeats);
        _state = (int)hb.State;
        _deviceEStop = hb.State == DeviceState.Estop || hb.EstopInput != 0;
        Volatile.Write(ref _deviceFramesBad, hb.FramesBad);
        Volatile.Write(ref _deviceFramesLost, hb.FramesLost);
        Volatile.Write(ref _deviceOutputsStale, hb.OutputsStale);
        PublishSeen(hb.DeviceTimeUs, now);
        var trip = hb.Faults & _options.TripOnFaults;
        DeviceFaultTrip? onset = null;
        if (trip != Faults.None)
        {
            if (now >= Volatile.Read(ref _holdUntil))
            {
                // A new episode (no earlier fault holds the heartbeat): which fault, and the device's own counters.
                onset = new DeviceFaultTrip(trip, hb.Faults, hb.OutputsStale, hb.FramesBad, hb.FramesLost, hb.DeviceTimeUs, now,
                    Volatile.Read(ref _faultTrips) + 1);
            }
            Volatile.Write(ref _holdUntil, now + MonoClock.FromMicroseconds(_options.DeviceFaultHoldMs * 1000));
        }
        if (_limitsAcknowledged && hb.State is DeviceState.Ready or DeviceState.Armed)
        {
            if (now < Volatile.Read(ref _holdUntil))
            {
                Interlocked.Increment(ref _withheld);
            }
            else
            {
                Volatile.Write(ref _lastAck, now);
            }
        }
        // Published after the acknowledgement decision, so a reader that sees a fault also sees its effect.
        if (onset is not null)
        {
            lock (_gate)
            {
                _lastFaultTrip = onset;
            }
            Volatile.Write(ref _faultTrips, onset.Episode);
        }
        Volatile.Write(ref _faultsSeen, Volatile.Read(ref _faultsSeen) | (long)hb.Faults);
        if (hb.EchoHostTimeNs != 0)
        {
            // NTP-style: the device held the echo for echo_hold_us; half the rest is the one-way delay.
            double t0 = hb.EchoHostTimeNs, t1 = TicksToNs(now);
            double roundTrip = t1 - t0 - hb.EchoHoldUs * 1000.0;
            double deviceAtReceipt = (hb.DeviceTimeUs - (double)hb.EchoHoldUs) * 1000.0;
            double offsetNs = deviceAtReceipt - (t0 + roundTrip / 2);
            var c = new ClockOffset(ArousalSourceKind.External, 0, offsetNs * 1e-9, roundTrip * 1e-9, now);
            lock (_gate)
            {
                _clockOffset = c;
            }
            ClockOffsetMeasured?.Invoke(c);
        }
    }
}
