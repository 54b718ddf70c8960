#!/usr/bin/env bash
# Builds the host runtime, CLI and unit tests into build/ (and build/asan with
# sanitizers when called with --asan).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build
extra=()
if [ "${1:-}" = "--asan" ]; then
  dir=build/asan
  extra=(-DMICROML_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo)
fi
cmake -S . -B "$dir" -G Ninja "${extra[@]}" >/dev/null
cmake --build "$dir" -- -j"$(nproc)"
