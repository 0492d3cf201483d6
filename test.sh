#!/usr/bin/env bash
# The whole test suite: installs what the tests need, builds, runs the firmware's host tests and every
# .NET test project, and prints one closing line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results=out/test-results
rm -rf "$results"; mkdir -p "$results"
passed=0; failed=0
# Firmware host tests (C, CTest) when the firmware tree has them.
if [ -f firmware-bridge/CMakeLists.txt ]; then
  cmake -S firmware-bridge -B firmware-bridge/build -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build firmware-bridge/build -j2 >/dev/null
  if (cd firmware-bridge/build && ctest --output-on-failure) | tee "$results/ctest.txt"; then :; fi
  p=$(grep -oE '[0-9]+ tests passed|tests passed, [0-9]+ tests failed' "$results/ctest.txt" | head -1 || true)
  fp=$(sed -nE 's/.* ([0-9]+)% tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\2 \3/p' "$results/ctest.txt")
  if [ -n "$fp" ]; then set -- $fp; failed=$((failed+$1)); passed=$((passed+$2-$1)); fi
fi
dotnet build ClosedLoop.sln -c Release -nologo -v q
set +e
dotnet test ClosedLoop.sln -c Release --no-build --logger "trx" --results-directory "$results" -nologo -v q
rc=$?
set -e
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  p=$(grep -oE '<Counters [^>]*' "$f" | sed -nE 's/.* passed="([0-9]+)".*/\1/p')
  q=$(grep -oE '<Counters [^>]*' "$f" | sed -nE 's/.* failed="([0-9]+)".*/\1/p')
  passed=$((passed+${p:-0})); failed=$((failed+${q:-0}))
done
if [ "$failed" -gt 0 ] || [ $rc -ne 0 ]; then python3 scripts/trx-failures.py "$results"/*.trx || true; fi
echo "$passed passed, $failed failed"
[ $rc -eq 0 ] && [ $failed -eq 0 ] && [ $passed -gt 0 ]
