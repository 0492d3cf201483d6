#!/usr/bin/env bash
# ClosedLoop against Brian2 (C++ standalone) on the SAME default microcircuit, single-threaded.
#
#   scripts/bench-vs-brian2.sh [--seconds S] [--float64] [N ...]   (default N: 1000 5000 20000, S: 1)
#
# For each N: `closedloop bench` (Release build) times S simulated seconds after a 100 ms warm-up and
# exports the realised network as JSON; scripts/bench_vs_brian2.py rebuilds that network in Brian2,
# compiles it (not timed) and times the run loop. Both report wall and CPU seconds per simulated second;
# the ratio column is Brian2 / ClosedLoop (above 1 = ClosedLoop faster). On a shared machine compare the
# CPU columns: wall time includes waiting for a core. The mean rates of both should agree (same network,
# different random streams; see the header of bench_vs_brian2.py for every remaining difference).
# Brian2 runs in float32 like ClosedLoop; --float64 gives it its default double precision instead
# (measured faster for Brian2 here: 6.9 against 9.6 s per simulated second at N = 20000).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=1
b2flags=()
sizes=()
while (($#)); do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --float64) b2flags+=(--float64); shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) [[ "$1" =~ ^[0-9]+$ ]] || { echo "bench-vs-brian2: '$1' is not a cell count" >&2; exit 2; }
       sizes+=("$1"); shift ;;
  esac
done
((${#sizes[@]})) || sizes=(1000 5000 20000)

PY=/usr/bin/python3
bash "$(dirname "$0")/install-deps.sh" --bench
"$PY" -c "import brian2" 2>/dev/null || { echo "bench-vs-brian2: $PY lacks brian2 (scripts/install-deps.sh --bench installs python3-brian)" >&2; exit 2; }
command -v g++ >/dev/null || { echo "bench-vs-brian2: g++ is required for Brian2's C++ standalone mode" >&2; exit 2; }

dotnet build -c Release src/ClosedLoop.Cli -v quiet -nologo >/dev/null
CL=(dotnet src/ClosedLoop.Cli/bin/Release/net10.0/closedloop.dll)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rows=()
for n in "${sizes[@]}"; do
  echo "N = $n: ClosedLoop ..." >&2
  "${CL[@]}" bench --cells "$n" --seconds "$seconds" --skip-search --format csv --export-network "$work/net.json" >"$work/cl.csv"
  cl=$(grep -v '^#' "$work/cl.csv" | sed -n 2p)
  echo "N = $n: Brian2 (code generation and compilation take a minute or more) ..." >&2
  "$PY" scripts/bench_vs_brian2.py "$work/net.json" --seconds "$seconds" "${b2flags[@]}" 2>"$work/b2.err" >"$work/b2.json" \
    || { cat "$work/b2.err" >&2; exit 1; }
  rows+=("$("$PY" - "$cl" "$work/b2.json" "$work/net.json" <<'EOF'
import json, sys
cols = "cells,synapses,dt_ms,sim_s,wall_s,wall_per_sim_s,cpu_per_sim_s,neuron_updates_per_s,syn_events_per_s,real_time_factor,mean_rate_hz,build_s".split(",")
cl = dict(zip(cols, sys.argv[1].split(",")))
b2 = json.load(open(sys.argv[2]))
net = json.load(open(sys.argv[3]))
counts = {p["name"]: p["count"] for p in net["populations"]}
b2_mean = sum(b2["rates_hz"][k] * counts[k] for k in counts) / sum(counts.values())
clw, clc = float(cl["wall_per_sim_s"]), float(cl["cpu_per_sim_s"])
bw, bc = b2["wall_per_sim_s"], b2["cpu_per_sim_s"]
print(f'{int(cl["cells"]):>7} {int(cl["synapses"]):>10} {clw:>9.3f} {clc:>9.3f} {bw:>9.3f} {bc:>9.3f} '
      f'{bw / clw:>8.2f} {bc / clc:>8.2f} {float(cl["mean_rate_hz"]):>8.2f} {b2_mean:>8.2f} {b2["compile_s"]:>8.0f}')
EOF
)")
done

echo
echo "Wall and CPU seconds per simulated second (dt 0.1 ms, ${seconds} s simulated, single-threaded; Brian2 ${b2flags[*]:-float32}; ratio = Brian2 / ClosedLoop)"
printf '%7s %10s %9s %9s %9s %9s %8s %8s %8s %8s %8s\n' cells synapses CL_wall CL_cpu B2_wall B2_cpu x_wall x_cpu CL_Hz B2_Hz B2_cc_s
for r in "${rows[@]}"; do echo "$r"; done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
