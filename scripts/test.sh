#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds every flavour (host release,
# host ASan+UBSan, Cortex-M images, MicroPython unix and qemu firmware, the
# fuzzer) and runs the tests in two pytest sessions:
#   1. everything with the release CLI;
#   2. the reference kernels (MICROML_KERNELS=reference; the release session
#      runs the optimized ones): shared models and one seed over every operator
#      fixture, labelled "reference" in the summary;
#   3. the CLI suites again with the ASan+UBSan CLI (shared models, TFLM
#      conformance, mutated models, error cases, and one seed over every 4th
#      generated operator fixture, labelled "asan" in the summary).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
echo "== build: host"
./scripts/build.sh
echo "== build: host with AddressSanitizer + UBSan"
./scripts/build.sh --asan
echo "== build: MicroPython (unix, qemu)"
./scripts/build_micropython.sh
echo "== build: ml native modules for stock firmware (dist/, and x64 with the firmware's models)"
./scripts/dist.sh
ML_MODELS_INDEX=micropython/models/index.txt DIST=build/dist-models ./scripts/dist.sh x64

export MICROML_ASAN_BIN=$PWD/build/asan/bin/microml
pytest=(.venv/bin/python -m pytest -p no:cacheprovider -q -rs)

echo "== tests (release build)"
MICROML_BIN=$PWD/build/bin/microml "${pytest[@]}" tests "$@"

echo "== tests (reference kernels, release build)"
MICROML_BIN=$PWD/build/bin/microml MICROML_KERNELS=reference MICROML_ORACLE_SEEDS=1 \
  MICROML_ORACLE_LABEL=" reference" "${pytest[@]}" \
  tests/conformance/test_ops_oracle.py tests/conformance/test_shared_models.py "$@"

echo "== tests (ASan + UBSan build)"
MICROML_BIN=$MICROML_ASAN_BIN MICROML_ORACLE_SEEDS=1 MICROML_ORACLE_STRIDE=4 \
  MICROML_ORACLE_LABEL=" asan" "${pytest[@]}" \
  tests/conformance tests/robustness "$@"
