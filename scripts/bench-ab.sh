#!/usr/bin/env bash
# Interleaved step-cost runs of `closedloop bench` for several builds/settings (docs/runtime.md, "ReadyToRun").
# Usage: scripts/bench-ab.sh ROUNDS SIM_SECONDS NAME=DLL[,ENV=VALUE...] ...
# Prints one CSV line per run: round, variant, load average, CPU seconds per simulated second (2000 cells, dt 0.1 ms),
# so one 1 ms loop step of 10 substeps costs that many ms of CPU.
set -euo pipefail
rounds=$1 secs=$2; shift 2
variants=("$@")
echo "round,variant,load1,cpu_per_sim_s"
for ((r = 0; r < rounds; r++)); do
  n=${#variants[@]}
  for ((i = 0; i < n; i++)); do
    v=${variants[$(((i + r) % n))]}
    name=${v%%=*} rest=${v#*=}
    IFS=, read -r -a parts <<<"$rest"
    dll=${parts[0]}
    load=$(cut -d' ' -f1 /proc/loadavg)
    cpu=$(env "${parts[@]:1}" dotnet "$dll" bench --cells 2000 --skip-search --seconds "$secs" --format csv | awk -F, 'NR==2{print $7}')
    echo "$r,$name,$load,$cpu"
  done
done
