"""`ml` as a native module (scripts/dist.sh) on stock MicroPython firmware.

Builds nothing; scripts/test.sh makes, before pytest:
* build/micropython/unix-stock/micropython and qemu-{m3,m4f,m7}-stock/firmware.elf
  (scripts/build_micropython.sh unix-stock m3-stock m4f-stock m7-stock): firmware
  without the user C module;
* dist/<arch>/ (scripts/dist.sh): what users copy to a board;
* build/dist-models/<arch>/ (scripts/dist.sh with ML_MODELS_INDEX = the
  firmware's index): the same module with the firmware's embedded models, so
  that the .exp scripts, which use those models by name, run unchanged.

The .exp scripts must give the built-in module's output, error messages
included, with the native module on the stock unix port and (some of them) on
the stock Cortex-M4F (armv7emsp), Cortex-M3 (armv7m and armv6m) and Cortex-M7
(armv7emdp) firmware in QEMU.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "scripts"))
import run_micropython_qemu as qemu  # noqa: E402
from mp_harness import check_expected, need, ram_fs_prelude  # noqa: E402

BUILDS = Path(os.environ.get("MICROPY_OUT", REPO / "build" / "micropython"))
STOCK_UNIX = BUILDS / "unix-stock" / "micropython"
BUILTIN_UNIX = BUILDS / "unix" / "micropython"
DIST = Path(os.environ.get("ML_DIST", REPO / "dist"))
DIST_MODELS = REPO / "build" / "dist-models"
EXP_SCRIPTS = sorted(p.name for p in HERE.glob("ml_*.py") if Path(str(p) + ".exp").is_file())
# .mpy header byte 2 holds the architecture in its upper six bits (py/persistentcode.h).
MPY_ARCH = {"x64": 2, "armv6m": 4, "armv7m": 5, "armv7emsp": 7, "armv7emdp": 8}
# Scripts run on QEMU: each needs the module sent over the emulated UART first.
QEMU_SCRIPTS = ("ml_predict.py", "ml_postprocess.py", "ml_preprocess.py")


def run_stock(source: str, tmp_path: Path, dist: Path, binary: Path = STOCK_UNIX) -> subprocess.CompletedProcess:
    script = tmp_path / "script.py"
    script.write_text(source)
    env = {**os.environ, "MICROPYPATH": str(dist)}
    return subprocess.run([str(binary), str(script)], cwd=HERE, capture_output=True, text=True,
                          timeout=600, env=env)


def test_stock_unix_has_no_ml(tmp_path):
    proc = run_stock("import ml\n", tmp_path, tmp_path, need(STOCK_UNIX, "scripts/build_micropython.sh unix-stock"))
    assert proc.returncode != 0 and "ImportError" in proc.stderr


@pytest.mark.parametrize("name", EXP_SCRIPTS)
def test_unix_script(name, tmp_path):
    dist = need(DIST_MODELS / "x64", "scripts/test.sh (dist with models)")
    proc = run_stock((HERE / name).read_text(), tmp_path, dist, need(STOCK_UNIX, "scripts/build_micropython.sh unix-stock"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    check_expected(name, proc.stdout)


def test_model_file_matches_builtin_module(tmp_path):
    """The user's dist (no embedded models): a model file gives the built-in module's numbers."""
    source = """
import ml
print(ml.builtin_models())
m = ml.Model("../../models/person_detect.tflite")
print(m)
img = bytes((i * 7 + 3) % 256 for i in range(96 * 96))
out = m.predict([img])[0]
print(out.tolist(), out.dtype, out.shape)
m = ml.Model("../../models/micro_speech.tflite")
out = m.predict([bytes((i * 13) % 256 for i in range(1960))])[0]
print(out.tolist())
"""
    native = run_stock(source, tmp_path, need(DIST / "x64", "scripts/dist.sh x64"))
    assert native.returncode == 0, native.stderr[-3000:]
    builtin = subprocess.run([str(need(BUILTIN_UNIX, "scripts/build_micropython.sh unix")), "-c",
                              source.replace('print(ml.builtin_models())', 'print(())')],
                             cwd=HERE, capture_output=True, text=True, timeout=600)
    assert builtin.returncode == 0, builtin.stderr[-3000:]
    assert native.stdout.startswith("()\n")
    assert native.stdout == builtin.stdout


def test_model_path_errors(tmp_path):
    """A directory and a missing path are named as such, as by the built-in module."""
    source = """import ml
for path in ("models", "models/nothing-here.tflite"):
    try:
        ml.Model(path)
    except OSError as e:
        print(e)
"""
    proc = run_stock(source, tmp_path, need(DIST / "x64", "scripts/dist.sh x64"))
    lines = proc.stdout.splitlines()
    assert lines[0] == "[Errno 21] EISDIR: 'models' is a directory, not a model file", lines
    assert lines[1] == ("[Errno 2] ENOENT: no model file 'models/nothing-here.tflite', "
                        "and no built-in model of that name (built-in: none)"), lines


@pytest.mark.parametrize("heap", ("8M", "256K"))
def test_fuzz(heap, tmp_path):
    """The hostile-argument fuzzer over the native module's own glue (ml_natmod.c)."""
    dist = need(DIST_MODELS / "x64", "scripts/test.sh (dist with models)")
    script = tmp_path / "fuzz.py"
    script.write_text("SEED = 3\nCALLS = 10000\n" + (HERE / "ml_fuzz.py").read_text())
    proc = subprocess.run([str(need(STOCK_UNIX, "scripts/build_micropython.sh unix-stock")), "-X",
                           f"heapsize={heap}", str(script)], cwd=HERE, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "MICROPYPATH": str(dist)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split()[-2:] == ["intact", "True"], proc.stdout[-2000:]


@pytest.mark.parametrize("arch", sorted(MPY_ARCH))
def test_dist_layout(arch):
    target = need(DIST / arch, f"scripts/dist.sh {arch}")
    native = (target / "_ml.mpy").read_bytes()
    assert native[0:1] == b"M" and native[2] >> 2 == MPY_ARCH[arch]
    package = json.loads((target / "package.json").read_text())
    listed = sorted(dest for dest, _ in package["urls"])
    present = sorted(str(p.relative_to(target)) for p in target.rglob("*.mpy"))
    assert listed == present
    expected_py = sorted(str(p.relative_to(REPO / "micropython" / "lib").with_suffix(".mpy"))
                         for p in (REPO / "micropython" / "lib").rglob("*.py"))
    assert sorted(set(present) - {"_ml.mpy"}) == expected_py


def test_unix_refuses_other_arch(tmp_path):
    need(DIST / "armv7emsp", "scripts/dist.sh armv7emsp")
    proc = run_stock("import _ml\n", tmp_path, DIST / "armv7emsp")
    assert proc.returncode != 0 and "incompatible .mpy arch" in proc.stderr


# --------------------------------------------------------------------------- QEMU

# The module and models are sent into the RAM filesystem's files (`_fs.files`).
RAMFS = ram_fs_prelude({}) + 'sys.path.insert(0, "/ram/lib")\n'


class QemuSession:
    """A raw-REPL session on the stock firmware: files are sent in chunks
    (one script holding a whole module would not fit the heap)."""

    def __init__(self, cpu: str, firmware: Path, timeout: float):
        self.board = qemu.Board(cpu, firmware, time.monotonic() + timeout)
        self.board.read_until(b">>> ")
        self.board.write(b"\r\x01")
        self.board.read_until(b"raw REPL; CTRL-B to exit\r\n>")

    def exec(self, source: str) -> tuple[str, str]:
        data = source.encode()
        for start in range(0, len(data), 4096):
            self.board.write(data[start:start + 4096])
        self.board.write(b"\x04")
        unexpected = self.board.read_until(b"OK")
        assert not unexpected, unexpected
        out = self.board.read_until(b"\x04").decode(errors="replace").replace("\r\n", "\n")
        err = self.board.read_until(b"\x04").decode(errors="replace").replace("\r\n", "\n")
        self.board.read_until(b">")
        return out, err

    def put(self, path: str, data: bytes):
        self.exec(f"_fs.files[{path!r}] = bytearray({len(data)})")
        step = 32768
        for start in range(0, len(data), step):
            out, err = self.exec(f"_fs.files[{path!r}][{start}:{start + step}] = "
                                 f"bytes.fromhex({data[start:start + step].hex()!r})")
            assert not err, err

    def close(self):
        self.board.close()


# armv7emsp on the Cortex-M4F board, armv7m on the Cortex-M3, armv7emdp on the M7.
# armv6m on the Cortex-M3 too: Thumb firmware loads native code of any older
# Arm-M architecture (MPY_FEATURE_ARCH_TEST in py/persistentcode.h), and QEMU's
# only Cortex-M0 board (microbit, 256 KB of RAM in MicroPython's qemu port) has
# less RAM than the module needs.
@pytest.mark.parametrize("cpu,arch", [("m4f", "armv7emsp"), ("m3", "armv7m"), ("m7", "armv7emdp"),
                                      ("m3", "armv6m")])
def test_qemu_scripts(cpu, arch):
    """The module on stock firmware in QEMU: uploaded once, then each script."""
    firmware = need(BUILDS / f"qemu-{cpu}-stock" / "firmware.elf", f"scripts/build_micropython.sh {cpu}-stock")
    dist = need(DIST / arch, f"scripts/dist.sh {arch}")
    session = QemuSession(cpu, firmware, timeout=900)
    outputs = {}
    try:
        out, err = session.exec(RAMFS)
        assert not err, err
        for p in sorted(dist.rglob("*.mpy")):
            session.put("lib/" + str(p.relative_to(dist)), p.read_bytes())
        for p in sorted((HERE / "models").rglob("*")):
            if p.is_file():
                session.put(str(p.relative_to(HERE)), p.read_bytes())
        for name in QEMU_SCRIPTS:
            out, err = session.exec("import gc\ngc.collect()\n" + (HERE / name).read_text())
            assert not err, f"{name}: {err}{out[-2000:]}"
            outputs[name] = out
    finally:
        session.close()
    for name in QEMU_SCRIPTS:
        check_expected(name, outputs[name])
