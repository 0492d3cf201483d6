#!/usr/bin/env python3
"""Read a running rig's governed outputs over gRPC and print one line per frame.

    python3 clients/python/examples/read_outputs.py --addr 127.0.0.1:50051 --frames 20
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from closedloop import Controller  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--addr", default="127.0.0.1:50051")
    ap.add_argument("--frames", type=int, default=20)
    a = ap.parse_args()
    n = 0
    with Controller(a.addr) as c:
        for f in c.outputs(limit=a.frames, timeout=30):
            values = " ".join(f"{v:8.3f}" for v in f.values)
            print(f"step {f.step:8d}  {Controller.safety_name(f.safety):8s}  {values}")
            n += 1
    return 0 if n == a.frames else 1


if __name__ == "__main__":
    sys.exit(main())
