#!/usr/bin/env python3
"""Interleaved A/B runs of `closedloop run` builds (issue 10, docs/runtime.md "ReadyToRun").

Each variant is NAME=PATH_TO_closedloop.dll[,ENV=VALUE...]. Every round runs every variant once, in a rotating
order, as a fresh process with its gRPC/ZeroMQ endpoints on free loopback ports, no recording and no dashboard,
and reads its summary. Prints one line per run and, per variant, the median and range of each figure.

Figures: `start` is process spawn to the loop's clock start (the `loop: loop started` line), `pre` spawn to the
loop's own warm-up start (the sinks' warm-up line), `warm` the warm-up the summary prints, `jitW` methods compiled
during the warm-up, `jitP/jitL` after the clock started (process-wide / loop thread), `over` overruns,
`p99/max` lateness in us, `c50` compute p50 in us. The load average is printed beside every run.

  scripts/warm-start-ab.py --rounds 5 --seconds 4 jit=src/ClosedLoop.Cli/bin/Release/net10.0/closedloop.dll \
      r2r=artifacts/r2r/closedloop.dll tc0=src/ClosedLoop.Cli/bin/Release/net10.0/closedloop.dll,DOTNET_TieredCompilation=0
"""
import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

PATTERNS = {
    "warm": r"^warm-up +(\d+) ms",
    "jitW": r"^warm-up .*?, (\d+) methods compiled meanwhile",
    "jitP": r"^jit +(\d+) methods compiled while the clock ran",
    "jitL": r"^jit +\d+ methods compiled while the clock ran \((\d+) on the loop thread",
    "over": r"^steps +\d+ at \d+ Hz, overruns (\d+)",
    "p99": r"^lateness us .*?p99 ([\d.]+)",
    "max": r"^lateness us .*?max ([\d.]+)",
    "c50": r"^compute us +p50 ([\d.]+)",
}
COLUMNS = ["pre", "start", "warm", "jitW", "jitP", "jitL", "over", "p99", "max", "c50", "wall"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_once(dll: str, env_extra: dict, seconds: float, extra_args: list) -> dict:
    with tempfile.TemporaryDirectory() as d:
        cfg = os.path.join(d, "rig.toml")
        with open(cfg, "w") as f:
            f.write(f'[endpoints]\ngrpc_port = 0\nzmq_ingest = "tcp://127.0.0.1:{free_port()}"\n'
                    f'zmq_publish = "tcp://127.0.0.1:{free_port()}"\n')
        env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", **env_extra)
        cmd = ["dotnet", dll, "run", "--config", cfg, "--seconds", str(seconds), "--no-record",
               "--dashboard-port", "-1", *extra_args]
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        out, res = [], {}
        for line in p.stdout:
            now = time.monotonic() - t0
            out.append(line)
            if line.startswith("warm-up: sinks") and "pre" not in res:
                res["pre"] = now
            if line.startswith("loop: loop started") and "start" not in res:
                res["start"] = now
        p.wait(timeout=300)
        res["wall"] = time.monotonic() - t0
        text = "".join(out)
        if p.returncode != 0:
            sys.stderr.write(text)
            raise SystemExit(f"{cmd} exited {p.returncode}")
        for k, pat in PATTERNS.items():
            m = re.search(pat, text, re.M)
            if m:
                res[k] = float(m.group(1))
        return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=4)
    ap.add_argument("--args", default="", help="extra arguments for `closedloop run`, e.g. '--cpu 1 --rt-priority 50'")
    ap.add_argument("variants", nargs="+", help="NAME=DLL[,ENV=VALUE...]")
    a = ap.parse_args()
    variants = []
    for v in a.variants:
        name, rest = v.split("=", 1)
        dll, *envs = rest.split(",")
        variants.append((name, dll, dict(e.split("=", 1) for e in envs)))
    results = {name: [] for name, _, _ in variants}
    print("run  variant   load1 " + " ".join(f"{c:>7}" for c in COLUMNS), flush=True)
    for r in range(a.rounds):
        order = variants[r % len(variants):] + variants[:r % len(variants)]
        for name, dll, env in order:
            load = os.getloadavg()[0]
            res = run_once(dll, env, a.seconds, a.args.split())
            res["load"] = load
            results[name].append(res)
            print(f"{r:>3}  {name:<9} {load:5.1f} " + " ".join(f"{res.get(c, float('nan')):7.2f}" for c in COLUMNS),
                  flush=True)
    print("\nmedian [min..max] per variant")
    for name, runs in results.items():
        cells = []
        for c in COLUMNS + ["load"]:
            xs = [x[c] for x in runs if c in x]
            if xs:
                cells.append(f"{c} {statistics.median(xs):.2f} [{min(xs):.2f}..{max(xs):.2f}]")
        print(f"{name}: " + "; ".join(cells))


if __name__ == "__main__":
    main()
