#!/usr/bin/env bash
# Installs everything slhmc needs on Debian 12 (run as root): compilers and
# libraries for the build, and the reference programs the tests run.
# Idempotent: packages already present are skipped quickly.
set -euo pipefail

build_packages=(build-essential cmake pkg-config git
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev)
test_packages=(python3 python3-numpy python3-ase lammps clang libclang-rt-14-dev
  quantum-espresso quantum-espresso-data cp2k)

want=("${build_packages[@]}")
if [[ "${1:-}" == "--tests" ]]; then want+=("${test_packages[@]}"); fi
if [[ -n "${SLHMC_EXTRA_PACKAGES:-}" ]]; then read -r -a extra <<<"$SLHMC_EXTRA_PACKAGES"; want+=("${extra[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "slhmc setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "slhmc setup: dependencies present"
