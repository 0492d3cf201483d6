#!/usr/bin/env bash
# The compiled virtual device on a pseudo-terminal: the Hello test vector written to the terminal is answered
# with exactly the HelloAck test vector (the virtual device reports build 3 and a 10 kHz tick, as that vector).
set -euo pipefail
dev="$1"
vectors="$(dirname "$0")/../protocol/vectors/frames.txt"
out=$(mktemp -d)
"$dev" --tick-hz 10000 >"$out/stdout" 2>"$out/stderr" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 100); do grep -q '^pty ' "$out/stdout" && break; sleep 0.05; done
pty=$(sed -n 's/^pty //p' "$out/stdout")
[ -n "$pty" ] || { echo "virtual device printed no pty"; exit 1; }
/usr/bin/python3 - "$pty" "$vectors" <<'PY'
import os, sys, select
pty, vectors = sys.argv[1], sys.argv[2]
wires, name = {}, None
for line in open(vectors):
    if line.startswith("vector "):
        name = line.split()[1]
    elif line.startswith("wire ") and name:
        wires[name] = bytes(int(x, 16) for x in line.split()[1:])
fd = os.open(pty, os.O_RDWR | os.O_NOCTTY)
os.write(fd, wires["hello"])
got = b""
while not got.endswith(b"\x00"):
    r, _, _ = select.select([fd], [], [], 5.0)
    if not r:
        sys.exit("no reply within 5 s")
    got += os.read(fd, 1)
if got != wires["hello_ack"]:
    sys.exit(f"reply {got.hex(' ')} != hello_ack vector {wires['hello_ack'].hex(' ')}")
print("HelloAck matches the vector")
PY
