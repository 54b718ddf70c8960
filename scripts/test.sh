#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds every flavour (host release,
# host ASan+UBSan, Cortex-M images, MicroPython unix and qemu firmware, the
# fuzzer) and runs the tests in these pytest sessions:
#   1. everything with the release CLI;
#   2. the Keras path of microml convert (tests/convert/test_keras.py) with
#      TensorFlow from PyPI, installed into build/venv-tf apart from .venv
#      (scripts/setup_tensorflow.sh); where it cannot be installed, the tests
#      are printed as skipped with the reason;
#   3. the reference kernels (MICROML_KERNELS=reference; the release session
#      runs the optimized ones): shared models and one seed over every operator
#      fixture, labelled "reference" in the summary;
#   4. on x86-64, each x86 kernel level below the CPU's highest (which the
#      release session ran; MICROML_X86_LEVEL): shared models, TFLM
#      conformance goldens, the generated arena graphs (whose plans lean on
#      each level's walk order), the row band chains and one seed over the fixtures of the
#      operators with x86 kernels and of pooling, labelled "x86-<level>";
#      levels the CPU lacks are printed as skipped;
#   5. the CLI suites again with the ASan+UBSan CLI (shared models, TFLM
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

echo "== tests (Keras path: TensorFlow from PyPI in build/venv-tf, release build)"
./scripts/setup_tensorflow.sh
if [ -f build/venv-tf.unavailable ]; then
  MICROML_BIN=$PWD/build/bin/microml MICROML_TENSORFLOW_UNAVAILABLE=$(cat build/venv-tf.unavailable) \
    "${pytest[@]}" tests/convert/test_keras.py "$@"
else
  MICROML_BIN=$PWD/build/bin/microml build/venv-tf/bin/python -m pytest -p no:cacheprovider -q -rs \
    tests/convert/test_keras.py "$@"
fi

echo "== tests (reference kernels, release build)"
MICROML_BIN=$PWD/build/bin/microml MICROML_KERNELS=reference MICROML_ORACLE_SEEDS=1 \
  MICROML_ORACLE_LABEL=" reference" "${pytest[@]}" \
  tests/conformance/test_ops_oracle.py tests/conformance/test_shared_models.py "$@"

echo "== tests (x86 kernel levels below the highest, release build)"
if [ "$(uname -m)" = x86_64 ]; then
  probe=${MICROML_SHARED:-../shared}/models/mlperf_ad01_int8
  mkdir -p build/x86-level-probe
  best=$(env -u MICROML_X86_LEVEL build/bin/microml run "$probe/model.tflite" \
    --input "$probe/input0.bin" --output-dir build/x86-level-probe --timing |
    sed -n 's/^kernels_level: //p')
  below=1
  for level in avx512-vnni avx2 sse4.1 portable; do
    if [ "$level" = "$best" ]; then
      below=0
      echo "x86 level $level: this CPU's highest, run by the release session"
    elif [ "$below" = 1 ]; then
      echo "x86 level $level: SKIPPED (this CPU's highest is $best)"
    else
      MICROML_BIN=$PWD/build/bin/microml MICROML_X86_LEVEL=$level MICROML_ORACLE_SEEDS=1 \
        MICROML_ORACLE_OPS=add,average_pool_2d,conv_2d,depthwise_conv_2d,fully_connected,max_pool_2d,mul,softmax \
        MICROML_ORACLE_LABEL=" x86-$level" "${pytest[@]}" tests/conformance/test_ops_oracle.py \
        tests/conformance/test_shared_models.py tests/conformance/test_tflm_integration.py \
        tests/conformance/test_arena_generated.py tests/conformance/test_row_bands.py "$@"
    fi
  done
else
  echo "x86 kernel levels: SKIPPED (not an x86-64 host)"
fi

echo "== tests (ASan + UBSan build)"
MICROML_BIN=$MICROML_ASAN_BIN MICROML_ORACLE_SEEDS=1 MICROML_ORACLE_STRIDE=4 \
  MICROML_ORACLE_LABEL=" asan" "${pytest[@]}" \
  tests/conformance tests/robustness "$@"
