"""Bare-metal Cortex-M: the runtime cross-compiled with arm-none-eabi-g++ runs
embedded models under qemu-system-arm and must reproduce TFLM's golden outputs
(M4 on mps2-an386, M7 on mps2-an500, M55 on mps3-an547, M0 on microbit), and
links for a generic Cortex-M0+."""
import subprocess

import pytest

import microml_test_util as util

CPUS = ["m4", "m55", "m7", "m0plus"]


@pytest.mark.parametrize("cpu", CPUS)
def test_cortex_m_images(cpu):
    proc = subprocess.run([str(util.REPO / "scripts/cortex_m_test.sh"), "--cpus", cpu],
                          capture_output=True, text=True, timeout=3000)
    summary = proc.stdout[proc.stdout.rfind("== summary"):]
    print(summary)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    assert "PASS" in summary, summary
