#!/usr/bin/env python3
"""Export a recording (.cllog) to one CSV per record stream (pandas), or print its record counts.

    python3 clients/python/examples/export_session.py recordings/closedloop-....cllog --out session-csv/
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from closedloop import read_cllog  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("recording")
    ap.add_argument("--out", help="directory for the CSV files (default: only print counts)")
    a = ap.parse_args()
    rec = read_cllog(a.recording)
    print(f"{a.recording}: format {rec.version}, model {rec.model!r}, damage {len(rec.damage)}")
    for name, count in sorted(rec.counts.items()):
        print(f"  {name:20s} {count}")
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        for name, df in rec.to_pandas().items():
            path = os.path.join(a.out, f"{name}.csv")
            df.to_csv(path, index=False)
            print(f"wrote {path} ({len(df)} rows)")
        with open(os.path.join(a.out, "config.toml"), "w", encoding="utf-8") as f:
            f.write(rec.config)
    return 0 if not rec.damage else 3


if __name__ == "__main__":
    sys.exit(main())
