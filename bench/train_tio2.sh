#!/usr/bin/env bash
# TiO2 training benchmark: unpacks ../shared/data/tio2-dft-1000 into a scratch
# directory and runs `slhmc train bench/train_tio2.toml` there, stopping when the
# validation errors reach ænet-PyTorch's (7.9 meV/atom, 0.39 eV/A).
#   bench/train_tio2.sh [SCRATCH_DIR] [extra slhmc train arguments, e.g. --set run.device=cuda]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
scratch=${1:-/tmp/slhmc-train-tio2}
shift || true
data="${SLHMC_SHARED_DIR:-$here/../shared}/data/tio2-dft-1000/dir_xsf.tar.gz"
[[ -f "$data" ]] || { echo "missing $data"; exit 1; }
mkdir -p "$scratch"
[[ -d "$scratch/dir_xsf" ]] || tar xzf "$data" -C "$scratch"
cp "$here/bench/train_tio2.toml" "$scratch/"
cd "$scratch"
lscpu | grep -E "Model name" || true
exec "${SLHMC:-$here/build/slhmc}" train train_tio2.toml "$@"
