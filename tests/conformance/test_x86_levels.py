"""MICROML_X86_LEVEL: on x86-64 each level this CPU has runs and is the level
the CLI reports; a level above the CPU's, or an unknown name, is refused
with a message naming it. A level the CPU lacks is skipped with the reason
printed (scripts/test.sh runs the golden and fixture suites once per level
the CPU has and prints the levels it skips)."""
from __future__ import annotations

import os
import platform
import subprocess

import pytest

import microml_test_util as util

LEVELS = ["portable", "sse4.1", "avx2", "avx512-vnni"]
MODEL = util.SHARED / "models" / "mlperf_ad01_int8"

pytestmark = pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"),
                                reason="x86-64 levels: not an x86-64 host")


def _run(binary, level, out_dir):
    env = dict(os.environ, MICROML_X86_LEVEL=level)
    env.pop("MICROML_KERNELS", None)
    return subprocess.run([str(binary), "run", str(MODEL / "model.tflite"), "--input",
                           str(MODEL / "input0.bin"), "--output-dir", str(out_dir), "--timing"],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("level", LEVELS)
def test_level_runs_bit_exact(level, microml_bin, tmp_path):
    proc = _run(microml_bin, level, tmp_path)
    if "above this CPU's highest level" in proc.stderr:
        pytest.skip(f"x86 level {level}: this CPU lacks it ({proc.stderr.strip()})")
    assert proc.returncode == 0, proc.stderr
    assert f"kernels_level: {level}" in proc.stdout
    assert (tmp_path / "output0.bin").read_bytes() == (MODEL / "output0.bin").read_bytes()


def test_unknown_level_refused(microml_bin, tmp_path):
    proc = _run(microml_bin, "avx9", tmp_path)
    assert proc.returncode > 0
    assert "MICROML_X86_LEVEL is 'avx9'" in proc.stderr
