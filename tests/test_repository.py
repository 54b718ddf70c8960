"""Checks on the repository itself: generated docs are current and our C/C++
is formatted with the project's .clang-format."""
import shutil
import subprocess
import sys

import pytest

import microml_test_util as util

SOURCE_DIRS = ["runtime", "tools", "tests", "cortex-m", "micropython"]


def test_operators_doc_is_current():
    proc = subprocess.run([sys.executable, str(util.REPO / "tools/gen_operators_doc.py"), "--check",
                           "--bin", str(util.MICROML_BIN)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_sources_are_clang_formatted():
    clang_format = shutil.which("clang-format")
    if clang_format is None:
        pytest.fail("clang-format not installed (scripts/setup.sh installs it)")
    files = []
    for d in SOURCE_DIRS:
        root = util.REPO / d
        if root.is_dir():
            files += [p for p in root.rglob("*") if p.suffix in (".cc", ".h", ".cpp", ".c")
                      and "qemu-plugin/include" not in str(p)]
    proc = subprocess.run([clang_format, "--dry-run", "--Werror", *map(str, files)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-4000:]
