#!/usr/bin/env bash
# Regenerates bench/RESULTS.md: microml vs TFLM on the shared models.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
.venv/bin/python bench/run.py "$@"
