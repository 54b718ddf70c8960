#!/usr/bin/env bash
# Builds `ml` for stock MicroPython 1.25 firmware: per architecture, the native
# module (micropython/natmod -> _ml.mpy, the C glue and the runtime) and the
# Python part of the package (micropython/lib -> ml/*.mpy, tf.mpy) as
# bytecode, plus a package.json for mip:
#
#   dist/<arch>/_ml.mpy  dist/<arch>/ml/...  dist/<arch>/ulab/...  dist/<arch>/tf.mpy  dist/<arch>/package.json
#
# With dist/<arch> on the module path (MICROPYPATH on unix, /lib on a board)
# `import ml` works as with the built-in module.
#
#   scripts/dist.sh [ARCH...]     ARCH = x64 armv6m armv7m armv7emsp armv7emdp
#                                 (default: all of them; rv32imc is not
#                                 supported yet, see micropython/README.md)
# Env: DIST (output directory, default dist), MICROPY_OUT (where
#      scripts/build_micropython.sh keeps the MicroPython source, default
#      build/micropython), ML_MODELS_INDEX (embed these models, as the firmware
#      build does; default none), JOBS (default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=${MICROPY_OUT:-$repo/build/micropython}
dist=${DIST:-$repo/dist}
[[ $dist = /* ]] || dist=$repo/$dist
JOBS=${JOBS:-$(nproc)}
src=${MICROPY_SRC:-$out/src/micropython-1.25.0}
archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=(x64 armv6m armv7m armv7emsp armv7emdp)

log() { echo "dist: $*" >&2; }
for a in "${archs[@]}"; do
  case $a in
    x64|armv6m|armv7m|armv7emsp|armv7emdp) ;;
    *) log "unknown ARCH '$a' (x64 armv6m armv7m armv7emsp armv7emdp)"; exit 2 ;;
  esac
done

MICROPY_OUT=$out scripts/build_micropython.sh source
make -C "$src/mpy-cross" -j"$JOBS" >/dev/null
mpy_cross=$src/mpy-cross/build/mpy-cross

# The Python part is bytecode: the same files for every architecture.
py_files=()
while IFS= read -r f; do py_files+=("$f"); done < <(cd micropython/lib && find ml ulab tf.py -name '*.py' | sort)

for arch in "${archs[@]}"; do
  obj=$repo/build/natmod/$arch
  mod=_ml${ML_MODELS_INDEX:+_models}
  target=$dist/$arch
  log "$arch -> $target"
  mkdir -p "$obj"
  # Run from the object directory: dynruntime.mk writes _ml.mpy to the working directory.
  make -C "$obj" -f "$repo/micropython/natmod/Makefile" -j"$JOBS" MPY_DIR="$src" ARCH="$arch" \
    BUILD="$obj/o" MOD="$mod" ${ML_MODELS_INDEX:+ML_MODELS_INDEX="$(realpath "$ML_MODELS_INDEX")"} >/dev/null
  rm -rf "$target"
  mkdir -p "$target"
  cp "$obj/$mod.mpy" "$target/_ml.mpy"
  urls=("_ml.mpy")
  for f in "${py_files[@]}"; do
    mkdir -p "$target/$(dirname "$f")"
    "$mpy_cross" -o "$target/${f%.py}.mpy" "micropython/lib/$f"
    urls+=("${f%.py}.mpy")
  done
  # mip resolves relative URLs against the package.json's own location.
  python3 - "$target" "${urls[@]}" <<'PY'
import json, sys
target, urls = sys.argv[1], sys.argv[2:]
with open(f"{target}/package.json", "w") as f:
    json.dump({"urls": [[u, u] for u in urls], "version": "1.0.0"}, f, indent=1)
    f.write("\n")
PY
done
ls -l "$dist"/*/_ml.mpy >&2
