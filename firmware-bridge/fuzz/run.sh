#!/usr/bin/env bash
# Fuzz the frame decoder and the device core with libFuzzer (clang 14, ASan + UBSan) for SECONDS (default 20),
# starting from the shared test vectors. Prints executions and exits non-zero on any crash.
#   firmware-bridge/fuzz/run.sh 600     # a longer run
set -euo pipefail
secs="${1:-20}"
here="$(cd "$(dirname "$0")/.." && pwd)"
build="${BP_FUZZ_BUILD:-$here/build-fuzz}"
CC=clang-14 cmake -S "$here" -B "$build" -DBP_FUZZ=ON -DBP_HOST=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 >/dev/null
corpus="$build/corpus"; mkdir -p "$corpus"
/usr/bin/python3 - "$here/protocol/vectors/frames.txt" "$corpus" <<'PY'
import sys
name = None
for line in open(sys.argv[1]):
    w = line.split()
    if w and w[0] in ("vector", "reject"):
        name = w[1]
    elif w and w[0] == "wire":
        open(f"{sys.argv[2]}/{name}", "wb").write(bytes(int(x, 16) for x in w[1:]))
PY
cd "$build"
"$build/fuzz_decoder" -max_total_time="$secs" -max_len=1024 -print_final_stats=1 "$corpus" 2>&1 | tee fuzz.log | grep -E "^(stat::number_of_executed_units|Done|==[0-9]+==ERROR|SUMMARY)" || true
grep -q "^Done" fuzz.log
