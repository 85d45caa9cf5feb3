#!/usr/bin/env bash
# The README's first command: set up, build, and run the main job on its
# embedded default (`slhmc run` with no config file: SLHMC of hot silicon with
# a surrogate learned from scratch), then draw its report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
mkdir -p runs/demo
cd runs/demo
rm -rf slhmc-run
../../build/slhmc run
../../build/slhmc report slhmc-run
echo "demo: outputs in runs/demo/slhmc-run/ (open report/index.html)"
