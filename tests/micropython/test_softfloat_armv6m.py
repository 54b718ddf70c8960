"""The Armv6-M native module's own float division (micropython/natmod/
ml_softfloat_armv6m.c, in place of libgcc's, which the natmod linker refuses)
against the host's IEEE-754 hardware division, bit for bit.

softfloat_div_check.c includes the same C file under other names and divides
random operand pairs of each class, binary32 and binary64: uniform bit
patterns, all pairs of special and extreme values, quotients near the
subnormal range and overflow (and subnormal operands), exact quotients, and
quotients a hair from a rounding midpoint, normal and subnormal."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SOURCE = REPO / "micropython" / "natmod" / "ml_softfloat_armv6m.c"
CHECK = HERE / "softfloat_div_check.c"
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


def run(exe: Path, seed: int, n: int) -> dict[str, int]:
    proc = subprocess.run([str(exe), str(seed), str(n)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    counts = {}
    for line in proc.stdout.splitlines()[:-1]:
        width, what, count, mismatches = line.split()
        assert mismatches == "0", line
        counts[f"{width} {what}"] = int(count)
    assert proc.stdout.splitlines()[-1].endswith("mismatches 0")
    return counts


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
