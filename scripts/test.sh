#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds every flavour (host release,
# host ASan+UBSan, Cortex-M images, MicroPython unix and qemu firmware, the
# fuzzer) and runs everything as one pytest session, which prints the summary.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
echo "== build: host"
./scripts/build.sh
echo "== build: host with AddressSanitizer + UBSan"
./scripts/build.sh --asan
if [ -x scripts/build_micropython.sh ] && [ -d micropython ]; then
  echo "== build: MicroPython (unix, qemu)"
  ./scripts/build_micropython.sh
fi

export MICROML_BIN=$PWD/build/bin/microml
export MICROML_ASAN_BIN=$PWD/build/asan/bin/microml
echo "== tests"
exec .venv/bin/python -m pytest tests -p no:cacheprovider -q -rs "$@"
