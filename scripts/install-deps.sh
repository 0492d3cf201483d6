#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need on a fresh machine; with --bench also what the
# Brian2 comparison needs (python3-brian, numpy, g++) and cyclictest (rt-tests) for hil/latency. Idempotent: skips apt when everything is there.
set -euo pipefail
PKGS=(socat gcc g++ cmake make python3 clang-14 libfuzzer-14-dev libclang-rt-14-dev gcc-arm-none-eabi libnewlib-arm-none-eabi libusb-1.0-0 libusb-1.0-0-dev python3-zmq python3-msgpack)
# Dashboard (issue 12): chromium for the Playwright browser test; the Python client's runtime, and protoc with the
# gRPC Python plugin for its stubs (python3-grpc-tools bundles protoc 3.5, which rejects proto3 `optional`).
PKGS+=(chromium python3-grpcio python3-protobuf python3-numpy python3-pandas protobuf-compiler protobuf-compiler-grpc)
command -v npm >/dev/null || PKGS+=(npm)  # the dashboard's build installs uPlot from the npm registry
if [ "${1:-}" = "--bench" ]; then
  PKGS+=(python3-numpy python3-brian rt-tests)  # rt-tests: cyclictest, beside every timing figure of hil/latency
fi
# The libusb binding's tests (issue 8): umockdev fakes sysfs and usbdevfs (umockdev-run), no USB hardware needed.
PKGS+=(umockdev)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "install-deps: the .NET 10 SDK (dotnet) is required on PATH" >&2; exit 1; }
