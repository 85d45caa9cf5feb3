#!/usr/bin/env bash
# The README's second command (and CI's): set up, then two builds.
#  1. Release (GCC, -Werror, CUDA parts where nvcc is): the slhmc command, the
#     compat, physical and consistency suites and the benchmarks; those suites run.
#  2. Sanitizers (clang, address + undefined behaviour, libFuzzer coverage):
#     the unit and consistency suites run under the sanitizers, then every
#     parser's fuzz target briefly.
# The unit suite runs once, under the sanitizers (with SLHMC_SKIP_SANITIZE=1 it
# is built and run in the Release build instead).
#   SLHMC_SKIP_SANITIZE=1 / SLHMC_SKIP_FUZZ=1 skip those stages;
#   SLHMC_FUZZ_SECONDS (default 5) sets the time per fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
stage() { echo; echo "=== $* ($(( $(date +%s) - start )) s)"; }
count() {  # passed and skipped tests in a ctest log
  passed=$((passed + $(grep -cE "Test +#[0-9]+: .* Passed" "$1" || true)))
  skipped=$((skipped + $(grep -cE "Test +#[0-9]+: .*\*\*\*Skipped" "$1" || true)))
}
passed=0 skipped=0

stage "setup"
bash scripts/setup.sh --tests

if [[ -z "${SLHMC_SKIP_SANITIZE:-}" ]]; then
  release_targets="slhmc_cli slhmc_compat_tests slhmc_physical_tests slhmc_consistency_tests benchmarks"
  release_labels="compat|physical|consistency"
else
  release_targets="" release_labels=""
fi
stage "Release build (-Werror): ${release_targets:-everything}"
SLHMC_BUILD_TARGETS="$release_targets" bash scripts/build.sh -DSLHMC_WERROR=ON

stage "tests (${release_labels:-all suites})"
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 900 ${release_labels:+-L "$release_labels"}) | tee build/ctest.log
count build/ctest.log

# One clang build serves the sanitizer and the fuzz stages (scripts/sanitize-build.sh).
if [[ -z "${SLHMC_SKIP_SANITIZE:-}${SLHMC_SKIP_FUZZ:-}" ]]; then
  stage "sanitizer build (clang, address + undefined behaviour, fuzz targets)"
  bash scripts/sanitize-build.sh
elif [[ -z "${SLHMC_SKIP_SANITIZE:-}" ]]; then
  stage "sanitizer build (clang, address + undefined behaviour)"
  bash scripts/sanitize-build.sh tests
fi

if [[ -z "${SLHMC_SKIP_SANITIZE:-}" ]]; then
  stage "unit and consistency tests under address + undefined-behaviour sanitizers"
  (cd build-sanitize && ctest --output-on-failure -j "$(nproc)" --timeout 900 -L "unit|consistency") |
    tee build-sanitize/ctest.log
  count build-sanitize/ctest.log
fi

if [[ -z "${SLHMC_SKIP_FUZZ:-}" ]]; then
  stage "fuzzing the parsers (${SLHMC_FUZZ_SECONDS:-5} s each)"
  bash scripts/fuzz.sh "${SLHMC_FUZZ_SECONDS:-5}"
fi
stage "all stages passed"
# One plain closing line: the counts of both builds' suites (the fuzz stage passed too).
echo "slhmc: ${passed} passed, 0 failed, ${skipped} skipped"
