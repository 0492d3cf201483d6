#!/usr/bin/python3
"""Send arousal to ClosedLoop's loop-polled UDP ingest: one protobuf closedloop.v1.ArousalSample per datagram,
packed with the standard library. Usage: udp_sender.py HOST PORT RATE_HZ COUNT (arousal: a 0.2 Hz sine)."""
import math, socket, struct, sys, time

def varint(n):
    out = b""
    while True:
        b, n = n & 0x7F, n >> 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out

def arousal_sample(value, seq, t):
    return (b"\x09" + struct.pack("<d", value)        # 1: double value (arousal 0..1)
            + b"\x15" + struct.pack("<f", 1.0)        # 2: float confidence
            + b"\x20" + varint(5)                     # 4: kind = SOURCE_KIND_EXTERNAL
            + b"\x29" + struct.pack("<d", t)          # 5: double source_time_s (CLOCK_MONOTONIC: latency from the recording)
            + b"\x38" + varint(seq))                  # 7: uint64 sequence (1, 2, ...)

host, port, rate, count = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for seq in range(1, count + 1):
    t = time.monotonic()
    sock.sendto(arousal_sample(0.5 + 0.4 * math.sin(2 * math.pi * 0.2 * t), seq, t), (host, port))
    time.sleep(1.0 / rate)
