#!/bin/bash
# Walkers on CPU cores and the trainer on a GPU at once (issue 7); results in
# bench/results/concurrent-gpu-2026-11-24.md. Run from a directory holding these configs, the
# slhmc binary (SLHMC, default ./slhmc; built with CUDA) and Si.sw; it makes the initial model
# (the main job's bootstrap model v1) itself.
#   Part A: 8 asynchronous walkers + `slhmc trainer` on the GPU (shared directory), beside one
#           synchronous walker (sync.toml).
#   Part B: one asynchronous walker whose trainer is a thread of its own process on the GPU
#           (inproc.toml), beside one synchronous walker (sync2.toml).
# Every reference call waits 100 ms (`delayed` provider) to stand in for DFT. Outputs under
# $OUT (default ./out): the walkers' and trainers' trials.csv/events.csv, logs, GPU utilisation
# sampled by nvidia-smi every 250 ms. Then, e.g.:
#   slhmc report w0 --walker w1 ... --walker w7 --walker sync --trainer exchange/trainer
set -u
cd "$(dirname "$0")"
SLHMC=${SLHMC:-./slhmc}
OUT=${OUT:-./out}
mkdir -p "$OUT"
export OMP_NUM_THREADS=1
[ -f init.nnp ] || { $SLHMC run --set sampler.trials=1 --set output.directory=seed > seed.log 2>&1 && cp seed/models/model-v1.nnp init.nnp; }
nvidia-smi --query-gpu=name,driver_version --format=csv > gpu.txt 2>&1
watch_gpu() { nvidia-smi --query-gpu=timestamp,utilization.gpu --format=csv,noheader -lms 250 > "$1" 2>/dev/null & echo $!; }

# Part A
SMI=$(watch_gpu gpu_util_A.csv)
$SLHMC trainer trainer.toml > trainer.log 2>&1 &
TP=$!
( $SLHMC run sync.toml > sync.log 2>&1 ) &
SP=$!
PIDS=""
for w in $(seq 0 7); do
  ( $SLHMC run walker.toml --set training.walker=w$w --set output.directory=w$w --set sampler.seed=$((w+1)) > w$w.log 2>&1 ) &
  PIDS="$PIDS $!"
done
wait $PIDS
mkdir -p exchange/trainer && touch exchange/trainer/STOP
wait $SP
for i in $(seq 1 60); do kill -0 $TP 2>/dev/null || break; sleep 1; done
kill $TP $SMI 2>/dev/null

# Part B
SMI=$(watch_gpu gpu_util_B.csv)
( $SLHMC run sync2.toml > sync2.log 2>&1 ) &
SP=$!
$SLHMC run inproc.toml > inproc.log 2>&1
wait $SP
kill $SMI 2>/dev/null

tar czf "$OUT/concurrent-gpu.tar.gz" gpu*.txt gpu_util_*.csv *.log *.toml w*/trials.csv w*/events.csv w*/summary.txt \
  sync*/trials.csv sync*/events.csv sync*/learning.csv sync*/summary.txt inproc/trials.csv inproc/events.csv \
  inproc/summary.txt inproc/trainer/trainer.csv inproc/trainer/events.csv exchange/trainer/trainer.csv \
  exchange/trainer/events.csv 2>/dev/null
