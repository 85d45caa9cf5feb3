#!/usr/bin/env bash
# The sanitizer build in ./build-sanitize: clang with address and
# undefined-behaviour sanitizers (any report aborts), coverage instrumentation
# for libFuzzer, warnings as errors, everything at -O1: with the test bodies at
# -O0 the suites took 4x longer (the linker keeps one copy of each inline
# helper such as Vec3 arithmetic, and it was often the -O0 one of a test file,
# which the library then called): ~1.5 min more compiling, ~4 min less testing.
# One build serves two stages: the unit and consistency suites under the
# sanitizers, and the fuzz targets of the parsers.
#   sanitize-build.sh tests   builds slhmc, the unit and consistency suites
#   sanitize-build.sh fuzz    builds the fuzz targets
#   sanitize-build.sh         both
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
command -v ninja >/dev/null && [[ ! -f build-sanitize/Makefile ]] && generator=(-G Ninja)
CC=clang CXX=clang++ cmake -S . -B build-sanitize "${generator[@]}" -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -gline-tables-only" \
  -DSLHMC_SANITIZE=address,undefined -DSLHMC_FUZZ=ON -DSLHMC_WERROR=ON -DSLHMC_BENCH=OFF -DSLHMC_CUDA=OFF >/dev/null
targets=()
if [[ "${1:-}" != "fuzz" ]]; then targets+=(slhmc_cli slhmc_unit_tests slhmc_consistency_tests); fi
if [[ "${1:-}" != "tests" ]]; then targets+=(fuzz_targets); fi
cmake --build build-sanitize -j "$(nproc)" --target "${targets[@]}"
