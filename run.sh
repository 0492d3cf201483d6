#!/usr/bin/env bash
# The main job: builds and runs the closed loop on its embedded defaults (synthetic arousal, simulated
# device, gRPC and ZeroMQ endpoints on loopback). Extra arguments go to `closedloop`, e.g. ./run.sh simulate x.toml
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Ask for a 512 MiB gen0 budget: ingest and transport threads allocate a little per message, and every collection
# pauses the real-time thread too (the runtime grants about 130 MB here; docs/runtime.md, "Garbage collections").
export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x20000000}"
dotnet build src/ClosedLoop.Cli -c Release -nologo -v q
exec dotnet src/ClosedLoop.Cli/bin/Release/net10.0/closedloop.dll "${@:-run}"
