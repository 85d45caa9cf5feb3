#!/usr/bin/env bash
# The README's second command (and CI's): set up, build with warnings as
# errors, run every test suite, then the sanitizer build of the unit tests and
# a short fuzzing run of every parser.
#   SLHMC_SKIP_SANITIZE=1 / SLHMC_SKIP_FUZZ=1 skip those stages;
#   SLHMC_FUZZ_SECONDS (default 10) sets the time per fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
stage() { echo; echo "=== $* ($(( $(date +%s) - start )) s)"; }

stage "setup"
bash scripts/setup.sh --tests

stage "build (Release, -Werror)"
bash scripts/build.sh -DSLHMC_WERROR=ON

stage "tests"
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 900) | tee build/ctest.log

if [[ -z "${SLHMC_SKIP_SANITIZE:-}" ]]; then
  stage "unit and consistency tests under address + undefined-behaviour sanitizers"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSLHMC_SANITIZE=address,undefined -DSLHMC_WERROR=ON \
    -DSLHMC_BENCH=OFF -DSLHMC_CUDA=OFF >/dev/null
  cmake --build build-asan -j "$(nproc)" --target slhmc_unit_tests slhmc_consistency_tests slhmc_cli
  (cd build-asan && ctest --output-on-failure -j "$(nproc)" -L "unit|consistency")
fi

if [[ -z "${SLHMC_SKIP_FUZZ:-}" ]]; then
  stage "fuzzing the parsers (${SLHMC_FUZZ_SECONDS:-10} s each)"
  bash scripts/fuzz.sh "${SLHMC_FUZZ_SECONDS:-10}"
fi
stage "all stages passed"
# One plain closing line: the main suites' counts (the sanitizer and fuzz stages passed too).
passed=$(grep -cE "Test +#[0-9]+: .* Passed" build/ctest.log || true)
skipped=$(grep -cE "Test +#[0-9]+: .*\*\*\*Skipped" build/ctest.log || true)
echo "slhmc: ${passed} passed, 0 failed, ${skipped} skipped"
