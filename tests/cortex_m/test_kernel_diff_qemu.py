"""Optimized kernels against the reference computes on the target itself:
cortex-m/kernel_diff_test.elf runs random cases of every differential suite
(cortex-m/kernel_diff.h: int8 DEPTHWISE_CONV_2D, CONV_2D and FULLY_CONNECTED)
and must find no mismatch, on m4 (mps2-an386, Arm DSP), m7 (mps2-an500, Arm DSP) and m55
(mps3-an547, Helium).

Environment (as tests/cortex_m/test_fixtures_qemu.py):
  MICROML_CORTEX_M_BUILD  build directory per core, "{cpu}" replaced by m4,
                          m7 or m55 (default <repo>/build/cortex-m/{cpu}, as
                          scripts/cortex_m_test.sh); configured like that
                          script when it has no CMakeCache.txt
  MICROML_QEMU_CPUS       cores to run (default "m4 m7 m55")
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import microml_test_util as util

TOOLCHAIN_CPU = {"m4": "cortex-m4", "m7": "cortex-m7", "m55": "cortex-m55"}
CPUS = os.environ.get("MICROML_QEMU_CPUS", "m4 m7 m55").split()
BUILD_PATTERN = os.environ.get("MICROML_CORTEX_M_BUILD",
                               str(util.REPO / "build" / "cortex-m" / "{cpu}"))


def build_image(cpu: str) -> Path:
    """Configures (like scripts/cortex_m_test.sh) when needed, builds kernel_diff_test."""
    build = Path(BUILD_PATTERN.replace("{cpu}", cpu))
    log = build / "logs" / "kernel_diff_test_build.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        if not (build / "CMakeCache.txt").is_file():
            subprocess.run(["cmake", "-S", str(util.REPO), "-B", str(build), "-G", "Ninja",
                            f"-DCMAKE_TOOLCHAIN_FILE={util.REPO / 'cmake/arm-none-eabi.cmake'}",
                            f"-DMICROML_CPU={TOOLCHAIN_CPU[cpu]}", "-DMICROML_HOST_TOOLS=OFF"],
                           stdout=out, stderr=subprocess.STDOUT, check=False, timeout=600)
        proc = subprocess.run(["cmake", "--build", str(build), "--target", "kernel_diff_test"],
                              stdout=out, stderr=subprocess.STDOUT, timeout=3000)
    assert proc.returncode == 0, f"building kernel_diff_test for {cpu} failed (see {log}):\n" + \
        "\n".join(log.read_text().splitlines()[-20:])
    return build / "cortex-m" / "kernel_diff_test.elf"


@pytest.mark.parametrize("cpu", CPUS)
def test_kernel_diff_on_target(cpu):
    if shutil.which("arm-none-eabi-g++") is None or shutil.which("qemu-system-arm") is None:
        pytest.skip("needs arm-none-eabi-g++ and qemu-system-arm")
    elf = build_image(cpu)
    proc = subprocess.run([str(util.REPO / "cortex-m" / "run"), "--cpu", cpu, "--timeout", "900",
                           str(elf)], capture_output=True, text=True, timeout=1000)
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "kernel_diff_test: PASS" in proc.stdout, proc.stdout[-4000:]
