#!/usr/bin/env bash
# Builds MicroPython 1.25 with the `ml` user C module (micropython/ml, which
# compiles runtime/) and the frozen `ml` package (micropython/lib/ml):
#
#   build/micropython/unix/micropython            unix port, standard variant
#   build/micropython/qemu-<cpu>/firmware.elf     ports/qemu, cpu = m3 m4f m7 m55
#
# The source is Debian's `micropython` source package (trixie, the upstream
# 1.25.0 tarball repacked without most lib/ submodules), fetched once with a
# private apt configuration (deb-src only, nothing is installed) and cached
# under build/micropython/src. After that the build needs no network.
#
#   scripts/build_micropython.sh [TARGET...]     TARGET = source unix m3 m4f m7 m55 qemu all
#                                                (default: all)
# Env: JOBS (default nproc), MICROPY_SRC (use this tree instead of the cache),
#      MODELS_INDEX (default micropython/models/index.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=$repo/build/micropython
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
