#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for N seconds (default
# 20; run long on demand, e.g. `scripts/fuzz.sh 3600`). Crashes are saved in
# build-fuzz/crashes/ and fail the run. The seed is fixed (SLHMC_FUZZ_SEED,
# default 1) so that a CI run is reproducible; set SLHMC_FUZZ_SEED=0 for a
# random one when hunting. Inputs that once crashed stay in the corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DSLHMC_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "$(nproc)"
mkdir -p build-fuzz/crashes
shopt -s nullglob
targets=(build-fuzz/tests/fuzz/fuzz_*)
((${#targets[@]})) || { echo "no fuzz targets built"; exit 1; }
for t in "${targets[@]}"; do
  name=$(basename "$t")
  corpus=tests/fuzz/corpus/${name#fuzz_}
  work=build-fuzz/corpus/${name#fuzz_}
  mkdir -p "$work"
  echo "fuzz: $name for ${seconds}s"
  "$t" -seed="${SLHMC_FUZZ_SEED:-1}" -max_total_time="$seconds" -max_len=4096 -artifact_prefix=build-fuzz/crashes/ \
    -print_final_stats=0 "$work" "$corpus" 2>&1 | tail -n 2
done
echo "fuzz: no crashes"
