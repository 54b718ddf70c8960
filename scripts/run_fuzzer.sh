#!/usr/bin/env bash
# Builds the model reader fuzzer (clang, libFuzzer + ASan + UBSan) into build/fuzz and
# runs it for a bounded time, seeded with the shared models. Exits non-zero on a crash;
# the crashing input is left in build/fuzz/artifacts/.
#
# usage: scripts/run_fuzzer.sh [SECONDS] [extra libFuzzer flags...]
#   SECONDS               total fuzzing time (default 60)
#   MICROML_SHARED        team data folder (default <repo>/../shared)
#   FUZZ_BUILD_DIR        build folder (default <repo>/build/fuzz)
#   FUZZ_MAX_SEED_BYTES   skip seed models larger than this (default 65536: every
#                         execution runs a full inference, big models are slow)
#   FUZZ_JOBS             parallel fuzzing processes (default 1)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
shared=${MICROML_SHARED:-$root/../shared}
build=${FUZZ_BUILD_DIR:-$root/build/fuzz}
seconds=${1:-60}
shift || true
max_seed=${FUZZ_MAX_SEED_BYTES:-65536}
jobs=${FUZZ_JOBS:-1}

cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DMICROML_FUZZ=ON -DMICROML_HOST_TOOLS=OFF >/dev/null
cmake --build "$build" --target model_reader_fuzzer

seeds="$build/seeds"
corpus="$build/corpus"  # grows across runs; new finds are written here
artifacts="$build/artifacts"
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus" "$artifacts"
n=0
while IFS= read -r -d '' model; do
  if [ "$(stat -c %s "$model")" -le "$max_seed" ]; then
    rel=${model#"$shared"/}
    cp "$model" "$seeds/${rel//\//_}"
    n=$((n + 1))
  fi
done < <(find "$shared/models" "$shared/conformance" -name '*.tflite' -print0 | sort -z)
echo "run_fuzzer: $n seed models, ${seconds}s, artifacts in $artifacts"

fuzz_flags=(-max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -max_len=$((max_seed * 2))
            -print_final_stats=1 -artifact_prefix="$artifacts/")
if [ "$jobs" -gt 1 ]; then
  fuzz_flags+=(-fork="$jobs")
fi
status=0
"$build/bin/model_reader_fuzzer" "${fuzz_flags[@]}" "$@" "$corpus" "$seeds" || status=$?
if [ "$status" -ne 0 ]; then
  echo "run_fuzzer: FAILED (exit $status); reproduce with: $build/bin/model_reader_fuzzer <artifact>" >&2
  ls -1 "$artifacts" >&2 || true
fi
exit "$status"
