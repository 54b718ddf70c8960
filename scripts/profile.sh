#!/usr/bin/env bash
# Per-operator profile of one model, costliest operator first, with MACs and
# cost per MAC: instructions per operator of one inference on a Cortex-M under
# QEMU (the image is built in build/bench-cortex-m/<cpu>[-profile|-reference]/),
# or microseconds per operator on the host (median of --repeat invocations;
# MICROML_BIN or a Release build in build/bench-host/).
#
#   scripts/profile.sh MODEL_DIR_OR_NAME [--cpu m4|m7|m55|host]
#                      [--kernels optimized|reference] [--repeat N]
#
# MODEL_DIR_OR_NAME: a folder with model.tflite and input<K>.bin (Cortex-M:
# also output<K>.bin, which the image checks), or a folder name of
# ../shared/models. Defaults: --cpu m4, --kernels $MICROML_KERNELS or optimized.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case ${1:-} in -h|--help|"") sed -n '2,/^$/{s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"; exit 0 ;; esac
python=${MICROML_PYTHON:-$repo/.venv/bin/python}
exec "$python" "$repo/bench/profile.py" "$@"
