#!/usr/bin/env bash
# Configures and builds slhmc in ./build (Release; Ninja where installed).
# Extra arguments go to cmake; SLHMC_BUILD_TARGETS (space-separated) builds
# only those targets.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
generator=()
command -v ninja >/dev/null && [[ ! -f build/Makefile ]] && generator=(-G Ninja)
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
targets=()
if [[ -n "${SLHMC_BUILD_TARGETS:-}" ]]; then read -r -a names <<<"$SLHMC_BUILD_TARGETS"; targets=(--target "${names[@]}"); fi
cmake --build build -j "$jobs" "${targets[@]}"
