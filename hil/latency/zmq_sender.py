#!/usr/bin/python3
"""Sends timestamped ArousalSample messages over ZeroMQ for the latency probe (hil/latency/README.md).

Binds an XPUB on 127.0.0.1:--port, prints "READY", waits for the first subscription (so nothing is lost
to the slow-joiner window), then sends --count samples at --rate Hz. source_time_s is
time.monotonic() right before each send: CLOCK_MONOTONIC, the clock the .NET receiver stamps arrival
with, so arrival - source_time is the one-way latency.

The protobuf encoding is written by hand (no python3-protobuf here); its bytes match the byte-exact
vector in tests/ClosedLoop.Contracts.Tests/WireRoundTripTests.cs.
"""
import argparse
import struct
import sys
import time

import zmq


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def arousal_sample(value, confidence, kind, source_time_s, sequence):
    return (b"\x09" + struct.pack("<d", value)          # 1 value, double
            + b"\x15" + struct.pack("<f", confidence)    # 2 confidence, float
            + b"\x20" + varint(kind)                     # 4 kind (channel 0 omitted)
            + b"\x29" + struct.pack("<d", source_time_s) # 5 source_time_s, double
            + b"\x38" + varint(sequence))                # 7 sequence


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--rate", type=float, default=1000.0)
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--connect", help="connect a PUB to this endpoint (the rig's bound ingest SUB) instead of binding an XPUB")
    ap.add_argument("--log", help="write 'sequence,send_mono_ns' per sample to this file at the end")
    args = ap.parse_args()
    assert arousal_sample(1.5, 0.5, 2, 2.0, 3)[:14] == bytes.fromhex("09000000000000f83f150000003f")
    ctx = zmq.Context()
    if args.connect:
        pub = ctx.socket(zmq.PUB)
        pub.setsockopt(zmq.LINGER, 1000)
        pub.connect(args.connect)
        print("READY", flush=True)
        time.sleep(0.5)  # slow joiner: the rig's SUB is bound, let the connection settle
    else:
        pub = ctx.socket(zmq.XPUB)
        pub.setsockopt(zmq.LINGER, 1000)
        pub.bind(f"tcp://127.0.0.1:{args.port}")
        print("READY", flush=True)
        if not pub.poll(10000):
            print("no subscriber within 10 s", file=sys.stderr)
            return 1
        pub.recv()  # the subscription
    sent = []
    period = 1.0 / args.rate
    next_t = time.monotonic()
    for seq in range(1, args.count + 1):
        wait = next_t - time.monotonic()
        if wait > 0.0005:
            time.sleep(wait - 0.0005)  # sleep most of the period, spin the rest
        while time.monotonic() < next_t:
            pass
        t = time.monotonic_ns()
        # Arousal alternates so every sample changes the levers (and so the circuit's input).
        pub.send(arousal_sample(0.3 + 0.4 * (seq % 2), 1.0, 5, t / 1e9, seq))
        sent.append((seq, t))
        next_t += period
    time.sleep(0.2)
    if args.log:
        with open(args.log, "w") as f:
            f.writelines(f"{s},{t}\n" for s, t in sent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
