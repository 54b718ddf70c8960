#!/usr/bin/env bash
# Builds MicroPython 1.25 with the `ml` user C module (micropython/ml, which
# compiles runtime/) and the frozen `ml` package (micropython/lib/ml):
#
#   build/micropython/unix/micropython            unix port, standard variant
#   build/micropython/qemu-<cpu>/firmware.elf     ports/qemu, cpu = m3 m4f m7 m55
#   build/micropython/unix-asan/micropython       unix port with AddressSanitizer and
#                                                 UndefinedBehaviorSanitizer (target unix-asan)
#   build/micropython/unix-stock/micropython      unix port without the module (stock firmware
#                                                 for the native module of scripts/dist.sh)
#   build/micropython/qemu-{m3,m4f,m7}-stock/firmware.elf  M3, M4F, M7 firmware without the module
#
# The source is Debian's `micropython` source package (trixie, the upstream
# 1.25.0 tarball repacked without most lib/ submodules), fetched once with a
# private apt configuration (deb-src only, nothing is installed) and cached
# under build/micropython/src. After that the build needs no network.
#
#   scripts/build_micropython.sh [TARGET...]     TARGET = source unix unix-asan unix-stock m3 m4f
#                                                m7 m55 m3-stock m4f-stock m7-stock qemu all
#                                                (default: all)
# Env: JOBS (default nproc), MICROPY_SRC (use this tree instead of the cache),
#      MODELS_INDEX (default micropython/models/index.txt), ML_RUNTIME (runtime
#      source tree to compile, default runtime/), MICROPY_OUT (output directory
#      instead of build/micropython, e.g. for a second work tree of builds).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=${MICROPY_OUT:-$repo/build/micropython}
cache=$out/src
JOBS=${JOBS:-$(nproc)}
version=1.25.0
src=${MICROPY_SRC:-$cache/micropython-$version}
boards=$repo/micropython/boards
models_index=${MODELS_INDEX:-$repo/micropython/models/index.txt}

log() { echo "build_micropython: $*" >&2; }
die() { log "$*"; exit 2; }

fetch_source() {
  [ -f "$src/py/mkenv.mk" ] && return 0
  [ -n "${MICROPY_SRC:-}" ] && die "MICROPY_SRC=$MICROPY_SRC is not a MicroPython tree"
  mkdir -p "$cache/.apt/lists/partial"
  cat > "$cache/.apt/trixie-src.sources" <<'SOURCES'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  local apt=(-o "Dir::Etc::SourceList=$cache/.apt/trixie-src.sources"
             -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$cache/.apt/lists")
  # As root, apt would hand the download to its _apt user, who cannot write here.
  [ "$(id -u)" -eq 0 ] && apt+=(-o APT::Sandbox::User=root)
  log "fetching Debian's micropython source package (trixie)"
  apt-get "${apt[@]}" update >/dev/null
  if ! (cd "$cache" && apt-get "${apt[@]}" source --download-only "micropython=$version+ds-1" >/dev/null); then
    log "micropython $version+ds-1 is gone from trixie; taking its current version"
    (cd "$cache" && apt-get "${apt[@]}" source --download-only micropython >/dev/null)
  fi
  local orig
  orig=$(ls "$cache"/micropython_*.orig.tar.* | tail -n 1)
  tar -xf "$orig" -C "$cache"
  [ -f "$src/py/mkenv.mk" ] || die "unpacked $orig but found no $src"
}

# Settings for what Debian's +ds tree lacks: lib/micropython-lib is empty (our
# manifests require nothing from it; MPY_LIB_DIR only has to hold a README.md),
# as are lib/berkeley-db-1.xx and lib/mbedtls (btree and ssl are off).
stub=$out/mpy-lib-stub
common_args() {
  mkdir -p "$stub"
  [ -f "$stub/README.md" ] || echo "stands in for micropython-lib (not in Debian's source)" > "$stub/README.md"
  echo USER_C_MODULES="$repo/micropython" MPY_LIB_DIR="$stub" ML_MODELS_INDEX="$models_index" \
    ${ML_RUNTIME:+ML_RUNTIME=$ML_RUNTIME}
}

mpy_cross() {
  make -C "$src/mpy-cross" -j"$JOBS" >/dev/null
}

build_unix() {
  log "unix -> $out/unix/micropython"
  # shellcheck disable=SC2046
  make -C "$src/ports/unix" -j"$JOBS" BUILD="$out/unix" $(common_args) \
    FROZEN_MANIFEST="$repo/micropython/boards/manifest_unix.py" \
    MICROPY_PY_BTREE=0 MICROPY_PY_SSL=0 MICROPY_SSL_MBEDTLS=0
}

# The GC scans the C stack conservatively: ASan's fake stacks for
# use-after-return would hide pointers from it, so that check stays off (also
# at run time: ASAN_OPTIONS=detect_stack_use_after_return=0, see
# tests/micropython/test_micropython.py). nonnull-attribute is off because
# MicroPython's core passes NULL with length 0 to memset/memcpy (bytearray(0)).
# Not stripped, with line tables, so reports name functions and lines.
build_unix_asan() {
  log "unix with ASan + UBSan -> $out/unix-asan/micropython"
  local san="-fsanitize=address,undefined -fno-sanitize=nonnull-attribute"
  san+=" -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g"
  # shellcheck disable=SC2046
  make -C "$src/ports/unix" -j"$JOBS" BUILD="$out/unix-asan" \
    $(common_args) FROZEN_MANIFEST="$repo/micropython/boards/manifest_unix.py" \
    MICROPY_PY_BTREE=0 MICROPY_PY_SSL=0 MICROPY_SSL_MBEDTLS=0 \
    CFLAGS_EXTRA="$san" LDFLAGS_EXTRA="$san" STRIP=
}

# Stock firmware: no user C module, only the port's own frozen modules.
build_unix_stock() {
  log "unix without the module -> $out/unix-stock/micropython"
  make -C "$src/ports/unix" -j"$JOBS" BUILD="$out/unix-stock" \
    FROZEN_MANIFEST="$boards/manifest_stock_unix.py" MPY_LIB_DIR="$stub" \
    MICROPY_PY_BTREE=0 MICROPY_PY_SSL=0 MICROPY_SSL_MBEDTLS=0
}

build_qemu_stock() {
  local cpu=$1 board
  board=$(board_of "$cpu")
  log "qemu $cpu ($board) without the module -> $out/qemu-$cpu-stock/firmware.elf"
  make -C "$src/ports/qemu" -j"$JOBS" BOARD="$board" BOARD_DIR="$boards/$board" \
    BUILD="$out/qemu-$cpu-stock" FROZEN_MANIFEST="$boards/manifest_stock_qemu.py" MPY_LIB_DIR="$stub"
}

board_of() {
  case $1 in
    m3) echo MPS2_AN385 ;;
    m4f) echo MPS2_AN386 ;;
    m7) echo MPS2_AN500 ;;
    m55) echo MPS3_AN547 ;;
  esac
}

build_qemu() {
  local cpu=$1 board
  board=$(board_of "$cpu")
  if [ "$board" = MPS3_AN547 ] && ! grep -q QEMU_MPS_UART0_BASE "$src/ports/qemu/uart.c"; then
    patch -d "$src" -p1 < "$boards/MPS3_AN547/uart-base.patch" >/dev/null
  fi
  log "qemu $cpu ($board) -> build/micropython/qemu-$cpu/firmware.elf"
  # shellcheck disable=SC2046
  make -C "$src/ports/qemu" -j"$JOBS" BOARD="$board" BOARD_DIR="$boards/$board" \
    BUILD="$out/qemu-$cpu" $(common_args) FROZEN_MANIFEST="$boards/manifest_qemu.py"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(all)
expanded=()
for t in "${targets[@]}"; do
  case $t in
    all) expanded+=(unix unix-asan unix-stock m3 m4f m7 m55 m3-stock m4f-stock m7-stock) ;;
    qemu) expanded+=(m3 m4f m7 m55) ;;
    source|unix|unix-asan|unix-stock|m3|m4f|m7|m55|m3-stock|m4f-stock|m7-stock) expanded+=("$t") ;;
    *) die "unknown target '$t' (source unix unix-asan unix-stock m3 m4f m7 m55 m3-stock m4f-stock m7-stock qemu all)" ;;
  esac
done

fetch_source
for t in "${expanded[@]}"; do
  case $t in
    source) ;;
    unix) mpy_cross; build_unix ;;
    unix-asan) mpy_cross; build_unix_asan ;;
    unix-stock) mpy_cross; common_args >/dev/null; build_unix_stock ;;
    *-stock) mpy_cross; common_args >/dev/null; build_qemu_stock "${t%-stock}" ;;
    *) mpy_cross; build_qemu "$t" ;;
  esac
done
