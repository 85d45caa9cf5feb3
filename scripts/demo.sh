#!/usr/bin/env bash
# The README's first command: set up, build, and run the main job on its
# embedded default (`slhmc md` with no config file).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
mkdir -p runs/demo
cd runs/demo
../../build/slhmc md
