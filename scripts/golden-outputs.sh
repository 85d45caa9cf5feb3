#!/usr/bin/env bash
# Runs four fixed-seed jobs and writes their outputs, normalised, to OUT_DIR
# (and OUT_DIR/SHA256SUMS), so that a refactoring can prove it changed no
# number: run it before and after, then `diff -r` the two folders.
#   main           the main job (`slhmc run` on its embedded default: sync learning)
#   npt            Tersoff-proposed NPT of SW silicon with generalized HMC (volume moves, P = 1 GPa)
#   deterministic  one walker, in-process trainer thread, deterministic schedule
#   launch         `slhmc launch`: two deterministic walkers and a trainer over a shared directory
# Normalised: trials.csv without its timing columns, models without their
# creation time and checksum line; chain.xyz and samples.xyz as written.
# Usage: scripts/golden-outputs.sh OUT_DIR [path/to/slhmc]   (~2 min on 2 cores)
set -euo pipefail
out=$(realpath -m "$1")
exe=$(realpath "${2:-build/slhmc}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$out"; mkdir -p "$out"

cut_timings() {  # drops the columns whose header names start with seconds_
  awk -F, 'NR==1{for(i=1;i<=NF;i++) keep[i]=($i !~ /^seconds_/)} {s=""; for(i=1;i<=NF;i++) if(keep[i]) s=s (s==""?"":",") $i; print s}' "$1"
}
collect() {  # collect RUN_DIR NAME
  local d=$1 n=$2
  mkdir -p "$out/$n"
  cut_timings "$d/trials.csv" > "$out/$n/trials.csv"
  for f in chain.xyz samples.xyz; do [[ -f $d/$f ]] && cp "$d/$f" "$out/$n/$f"; done
  for m in "$d"/models/model-v*.nnp "$d"/trainer/models/model-v*.nnp; do
    [[ -f $m ]] || continue
    local tag; tag=$(basename "$(dirname "$(dirname "$m")")")
    grep -v -e '^created = ' -e '^checksum ' "$m" > "$out/$n/${tag}-$(basename "$m")"
  done
}

# 1. The main job.
(cd "$work" && mkdir main && cd main && "$exe" run > run.log 2>&1)
collect "$work/main/slhmc-run" main

# 2. NPT with volume moves and generalized HMC on a fixed Tersoff surrogate.
repo=$(cd "$(dirname "$0")/.." && pwd)
(cd "$work" && "$exe" run "$repo/examples/silicon/tersoff-surrogate.toml" --set sampler.trials=300 \
   --set sampler.volume_move_fraction=0.25 --set sampler.pressure_GPa=1.0 --set sampler.momentum_persistence=0.5 \
   --set output.directory="$work/npt" > npt.log 2>&1)
collect "$work/npt" npt

# 3. Deterministic asynchronous learning with a trainer thread (8 atoms).
model_toml() {  # model_toml INIT_LINE: the small NNP of the walkers and the trainer
  cat <<TOML
[training.model]
species = ["Si"]
radial_cutoff = 4.0
radial_order = 6
angular_cutoff = 3.5
angular_order = 3
hidden = [6, 6]
$1

[training.optimizer]
batch_size = 4
TOML
}
walker_toml() {  # walker_toml TRANSPORT_TOML INIT_LINE
  cat <<TOML
[system]
lattice = "diamond"
element = "Si"
a = 5.431
repeat = [1, 1, 1]
rattle_A = 0.05

[reference]
type = "sw"
file = "Si.sw"

[sampler]
temperature_K = 1000.0
trials = 60
n_md = 5
dt_fs = 1.0
seed = 3

[output]
directory = "walker"
chain_interval = 1

[training]
mode = "deterministic"
walker = "w1"
retrain_interval = 10
epochs = 5
first_epochs = 20
bootstrap_md_steps = 6
threads = 1

[training.transport]
$1

$(model_toml "$2")
TOML
}
mkdir -p "$work/det"
walker_toml 'type = "in-process"' '' > "$work/det/walker.toml"
(cd "$work/det" && "$exe" run walker.toml > run.log 2>&1)
collect "$work/det/walker" deterministic

# 4. `slhmc launch`: two deterministic walkers from one shared init model, one trainer process.
mkdir -p "$work/launch"
cp "$work/det/walker/models/model-v1.nnp" "$work/launch/init.nnp"
walker_toml $'type = "directory"\npath = "run/exchange"' 'init = "init.nnp"' > "$work/launch/walker.toml"
cat > "$work/launch/trainer.toml" <<TOML
[transport]
type = "directory"
path = "run/exchange"

[trainer]
poll_interval_s = 0.05

[training]
mode = "deterministic"
retrain_interval = 10
walkers = ["walker-0", "walker-1"]
epochs = 5
first_epochs = 20
threads = 1

$(model_toml 'init = "init.nnp"')
TOML
cat > "$work/launch/launch.toml" <<TOML
[launch]
walker = "walker.toml"
trainer = "trainer.toml"
walkers = 2
directory = "run"
TOML
(cd "$work/launch" && "$exe" launch launch.toml > launch.log 2>&1) || { cat "$work/launch/launch.log" "$work"/launch/run/*.log; exit 1; }
collect "$work/launch/run/walker-0" launch-walker-0
collect "$work/launch/run/walker-1" launch-walker-1

(cd "$out" && find . -type f ! -name SHA256SUMS | sort | xargs sha256sum > SHA256SUMS)
echo "golden outputs in $out ($(wc -l < "$out/SHA256SUMS") files)"
