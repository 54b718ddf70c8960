"""The Armv6-M native module's own float division (micropython/natmod/
ml_softfloat_armv6m.c, in place of libgcc's, which the natmod linker refuses)
against the host's IEEE-754 hardware division, bit for bit.

softfloat_div_check.c includes the same C file under other names and divides
random operand pairs of each class, binary32 and binary64: uniform bit
patterns, all pairs of special and extreme values, quotients near the
subnormal range and overflow (and subnormal operands), exact quotients, and
quotients a hair from a rounding midpoint, normal and subnormal.

softfloat_div_target.c runs the Cortex-M0 build (as in the native module) in
QEMU's microbit board against libgcc's division, which a static image may
link: random bit patterns and quotients near the subnormal range and overflow."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SOURCE = REPO / "micropython" / "natmod" / "ml_softfloat_armv6m.c"
CHECK = HERE / "softfloat_div_check.c"
TARGET_CHECK = HERE / "softfloat_div_target.c"
CORTEX_M = REPO / "cortex-m"
CLASSES = ("specials", "random_bits", "boundaries", "exact", "midpoints")
PER_CLASS = 1_000_000
# The hardware's division is the oracle: strict IEEE arithmetic, no fused or
# reassociated operations.
FLAGS = ["-std=gnu11", "-O2", "-ffp-contract=off", "-fno-fast-math", "-Wall", "-Wextra", "-Werror",
         f"-I{SOURCE.parent}"]


def build(compiler: str, tmp_path: Path, extra: list[str]) -> Path:
    exe = tmp_path / f"check-{compiler}"
    proc = subprocess.run([compiler, *FLAGS, *extra, "-o", str(exe), str(CHECK), "-lm"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return exe


def parse(proc: subprocess.CompletedProcess) -> dict[str, int]:
    """The per-class lines "WIDTH CLASS CHECKED MISMATCHES"."""
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    counts = {}
    for line in proc.stdout.splitlines():
        if line.startswith("checked "):
            continue
        width, what, count, mismatches = line.split()
        assert mismatches == "0", line
        counts[f"{width} {what}"] = int(count)
    return counts


def run(exe: Path, seed: int, n: int) -> dict[str, int]:
    proc = subprocess.run([str(exe), str(seed), str(n)], capture_output=True, text=True, timeout=300)
    assert proc.stdout.splitlines()[-1].endswith("mismatches 0"), proc.stdout[-4000:]
    return parse(proc)


def test_division_is_bit_exact(tmp_path):
    counts = run(build("gcc", tmp_path, []), 1, PER_CLASS)
    for width in ("f32", "f64"):
        for what in CLASSES:
            minimum = 2000 if what == "specials" else PER_CLASS
            assert counts[f"{width} {what}"] >= minimum, counts


def test_clang_and_sanitizers(tmp_path):
    """clang compiles it cleanly too; UBSan finds no shift or overflow out of range."""
    if shutil.which("clang") is None:
        pytest.fail("clang not installed (scripts/setup.sh installs it)")
    exe = build("clang", tmp_path, ["-fsanitize=undefined", "-fno-sanitize-recover=undefined"])
    run(exe, 2, 20_000)


def test_cortex_m0_build_matches_libgcc(tmp_path):
    if shutil.which("arm-none-eabi-gcc") is None or shutil.which("qemu-system-arm") is None:
        pytest.fail("gcc-arm-none-eabi and qemu-system-arm are needed (scripts/setup.sh)")
    image = tmp_path / "softfloat_div_target.elf"
    proc = subprocess.run(
        ["arm-none-eabi-gcc", "-mcpu=cortex-m0", "-mthumb", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror",
         "-ffunction-sections", "-fdata-sections", "--specs=nano.specs", "-nostartfiles", "-Wl,--gc-sections",
         f"-I{SOURCE.parent}", f"-I{CORTEX_M}", f"-L{CORTEX_M / 'ld'}", "-Tmicrobit.ld", "-o", str(image),
         str(TARGET_CHECK), *(str(CORTEX_M / f) for f in ("startup.c", "semihost.c", "syscalls.c"))],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-4000:]
    n = 250_000
    proc = subprocess.run([str(CORTEX_M / "run"), "--cpu", "m0", "--timeout", "120", str(image), "7", str(n)],
                          capture_output=True, text=True, timeout=180)
    counts = parse(proc)
    assert counts == {f"{w} {c}": n for w in ("f32", "f64") for c in ("random_bits", "boundaries")}, counts
