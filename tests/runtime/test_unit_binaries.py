"""Runs the GoogleTest unit tests (reader, planner, interpreter, kernels) of the
host build and of the ASan+UBSan build."""
import os
import subprocess
from pathlib import Path

import pytest

import microml_test_util as util

BUILDS = {
    "release": util.MICROML_BIN.parent,
    "asan": Path(os.environ.get("MICROML_ASAN_BIN", util.REPO / "build/asan/bin/microml")).parent,
}


@pytest.mark.parametrize("flavour", sorted(BUILDS))
def test_gtest_suite(flavour):
    binary = BUILDS[flavour] / "microml_unit_tests"
    if not binary.is_file():
        pytest.fail(f"{binary} not built (scripts/build.sh{' --asan' if flavour == 'asan' else ''})")
    proc = subprocess.run([str(binary), "--gtest_brief=1"], capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-6000:]
    assert util.sanitizer_report(proc.stderr) is None, proc.stderr[-6000:]
