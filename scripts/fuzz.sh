#!/usr/bin/env bash
# Runs each libFuzzer target for N seconds (default 20; run long on demand,
# e.g. `scripts/fuzz.sh 3600`). The targets live in the sanitizer build
# (build-sanitize: clang, address + undefined-behaviour sanitizers, coverage
# instrumentation), which this script configures and builds if needed; the
# CI stage of scripts/test.sh has built it already. Crashes are saved in
# build-sanitize/fuzz-crashes/ and fail the run. The seed is fixed
# (SLHMC_FUZZ_SEED, default 1) so that a CI run is reproducible; set
# SLHMC_FUZZ_SEED=0 for a random one when hunting. Inputs that once crashed
# stay in the corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
bash scripts/sanitize-build.sh fuzz
dir=build-sanitize
mkdir -p "$dir/fuzz-crashes"
shopt -s nullglob
targets=("$dir"/tests/fuzz/fuzz_*)
((${#targets[@]})) || { echo "no fuzz targets built"; exit 1; }
for t in "${targets[@]}"; do
  name=$(basename "$t")
  corpus=tests/fuzz/corpus/${name#fuzz_}
  work=$dir/fuzz-corpus/${name#fuzz_}
  mkdir -p "$work"
  echo "fuzz: $name for ${seconds}s"
  "$t" -seed="${SLHMC_FUZZ_SEED:-1}" -max_total_time="$seconds" -max_len=4096 -artifact_prefix="$dir/fuzz-crashes/" \
    -print_final_stats=0 "$work" "$corpus" 2>&1 | tail -n 2
done
echo "fuzz: no crashes"
