#!/usr/bin/env python3
"""Push direct arousal (a slow sine, 0..1) into a running rig for a few seconds, then print its status.

    ./run.sh &                                   # or: closedloop run
    python3 clients/python/examples/push_arousal.py --addr 127.0.0.1:50051 --seconds 5
"""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from closedloop import Controller  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--addr", default="127.0.0.1:50051")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--rate", type=float, default=100.0, help="samples per second")
    a = ap.parse_args()
    n = int(a.seconds * a.rate)
    with Controller(a.addr) as c:
        summary = c.stream_arousal((0.5 + 0.4 * math.sin(2 * math.pi * 0.5 * i / a.rate) for i in range(n)), rate_hz=a.rate)
        s = c.status()
    print(f"sent {n} samples: received {summary.received}, accepted {summary.accepted}")
    print(f"loop {s.state}, safety {s.safety}, step {s.step}, levers {s.levers}")
    return 0 if summary.accepted == n else 1


if __name__ == "__main__":
    sys.exit(main())
