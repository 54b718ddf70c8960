#!/usr/bin/env bash
# Installs dependencies, builds the runtime and CLI, and runs bundled models.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
echo
echo "== microml inspect models/person_detect.tflite"
build/bin/microml inspect models/person_detect.tflite
echo
echo "== the sine model, quantized int8, on the desktop"
.venv/bin/python examples/desktop/sine.py
