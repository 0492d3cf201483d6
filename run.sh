#!/usr/bin/env bash
# The main job: builds and runs the closed loop on its embedded defaults (synthetic arousal, simulated
# device, gRPC and ZeroMQ endpoints on loopback). Extra arguments go to `closedloop`, e.g. ./run.sh simulate x.toml
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# A plain build, not a ReadyToRun publish: measured in docs/runtime.md ("ReadyToRun"), which gives the publish command.
dotnet build src/ClosedLoop.Cli -c Release -nologo -v q
exec dotnet src/ClosedLoop.Cli/bin/Release/net10.0/closedloop.dll "${@:-run}"
