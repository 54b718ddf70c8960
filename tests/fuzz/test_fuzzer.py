"""Runs the libFuzzer target over the model reader and interpreter for a
bounded time (clang, ASan + UBSan); any crash, leak or sanitizer report fails."""
import os
import subprocess

import microml_test_util as util

SECONDS = int(os.environ.get("MICROML_FUZZ_SECONDS", "60"))


def test_model_reader_fuzzer():
    proc = subprocess.run([str(util.REPO / "scripts/run_fuzzer.sh"), str(SECONDS)],
                          capture_output=True, text=True, timeout=SECONDS + 900)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-6000:]
