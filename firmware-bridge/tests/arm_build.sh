#!/usr/bin/env bash
# The Cortex-M4 cross-build (build only): the core and the board skeleton compile warning-free for a bare-metal
# target with Debian's gcc-arm-none-eabi and link against newlib nano.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="$1"
cmake -S "$here" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$here/arm/cortex-m4.cmake" -DBP_HOST=OFF -DBP_ARM=ON \
  -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
cmake --build "$build" >/dev/null
arm-none-eabi-size "$build/bp_board_stub.elf"
