#!/usr/bin/env bash
# Installs everything slhmc needs on Debian 12 (run as root): compilers and
# libraries for the build, and the reference programs the tests run.
# Idempotent: packages already present are skipped quickly.
set -euo pipefail

build_packages=(build-essential cmake ninja-build pkg-config git libxtb-dev xtb
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  lammps-data)  # the potential files (Si.sw, ...) the examples and the main job use
test_packages=(python3 python3-numpy python3-ase python3-venv lammps clang libclang-rt-14-dev
  quantum-espresso quantum-espresso-data cp2k)
# Python packages that Debian lacks go into this venv (with Debian's numpy and ASE visible).
test_venv=/opt/slhmc-venv
test_pip_packages=(ipi==3.3.1)   # i-PI, to test `slhmc serve` against the real server

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
if [[ "${1:-}" == "--tests" ]] && ! "$test_venv/bin/python" -c "import ipi" 2>/dev/null; then
  echo "slhmc setup: creating $test_venv with ${test_pip_packages[*]}"
  /usr/bin/python3 -m venv --system-site-packages "$test_venv"
  # A failed download leaves the i-PI test skipped (with a message), not the whole set-up failed.
  "$test_venv/bin/pip" install -q "${test_pip_packages[@]}" || echo "slhmc setup: warning: pip install failed; i-PI tests will skip"
fi
echo "slhmc setup: dependencies present"
