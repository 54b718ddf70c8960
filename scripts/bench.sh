#!/usr/bin/env bash
# Regenerates bench/RESULTS.md: microml vs TFLM on the shared models, on the
# host and on Cortex-M4/M7/M55 under QEMU.
#
#   scripts/bench.sh [--cortex-m-only | --host-only] [--cpus "m4 m7 m55"] [--models "NAME ..."]
#                    [--output FILE]
#
# --cortex-m-only skips the host build and measurements and keeps the host part
# of RESULTS.md (--host-only likewise keeps the Cortex-M part). Cortex-M images
# are built in build/bench-cortex-m/<cpu>/ (MICROML_BENCH_JOBS, default 2).
# --models measures a subset on the host and on Cortex-M (write it to another
# --output).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
case " $* " in
    *" --cortex-m-only "*) ;;
    *) ./scripts/build.sh ;;
esac
.venv/bin/python bench/run.py "$@"
