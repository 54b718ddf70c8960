"""Bad command lines and bad files: the CLI exits non-zero with a message.

A bad file (model or input) gets exactly one stderr line; a malformed command
line may add the usage text after the error line."""

from __future__ import annotations

from pathlib import Path

import pytest

import microml_test_util as util

HELLO = util.MODELS_DIR / "tflm_hello_world_int8"


def assert_clean_failure(proc, one_line: bool):
    assert util.sanitizer_report(proc.stderr_text) is None, util.Cli.describe(proc)
    assert proc.returncode > 0, util.Cli.describe(proc)
    lines = proc.stderr_text.strip().splitlines()
    assert lines, f"no message on stderr:\n{util.Cli.describe(proc)}"
    if one_line:
        assert len(lines) == 1, f"expected one stderr line:\n{util.Cli.describe(proc)}"


class Files:
    """The files the bad invocations refer to, made in a temporary folder."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.model = HELLO / "model.tflite"
        self.input = HELLO / "input0.bin"
        self.out = tmp / "out"
        self.missing = tmp / "missing.tflite"
        self.empty = tmp / "empty.tflite"
        self.empty.write_bytes(b"")
        self.text = tmp / "text.tflite"
        self.text.write_bytes(b"this is not a flatbuffer\n" * 10)
        self.short_input = tmp / "short.bin"
        self.short_input.write_bytes(b"")
        self.long_input = tmp / "long.bin"
        self.long_input.write_bytes(bytes(self.input.stat().st_size + 1))


CASES = {
    "no-arguments": lambda f: [],
    "unknown-command": lambda f: ["frobnicate", f.model],
    "inspect-missing-file": lambda f: ["inspect", f.missing, "--json"],
    "inspect-empty-file": lambda f: ["inspect", f.empty, "--json"],
    "inspect-text-file": lambda f: ["inspect", f.text, "--json"],
    "inspect-directory": lambda f: ["inspect", f.tmp, "--json"],
    "run-no-input": lambda f: ["run", f.model, "--output-dir", f.out],
    "run-missing-input": lambda f: ["run", f.model, "--input", f.missing, "--output-dir", f.out],
    "run-short-input": lambda f: ["run", f.model, "--input", f.short_input, "--output-dir", f.out],
    "run-long-input": lambda f: ["run", f.model, "--input", f.long_input, "--output-dir", f.out],
    "run-extra-input": lambda f: ["run", f.model, "--input", f.input, "--input", f.input,
                                  "--output-dir", f.out],
    "run-no-output-dir": lambda f: ["run", f.model, "--input", f.input],
    "run-output-dir-is-file": lambda f: ["run", f.model, "--input", f.input,
                                         "--output-dir", f.input],
    "run-bad-repeat": lambda f: ["run", f.model, "--input", f.input, "--output-dir", f.out,
                                 "--repeat", "zero"],
    "run-negative-repeat": lambda f: ["run", f.model, "--input", f.input, "--output-dir", f.out,
                                      "--repeat", "-1"],
    "run-flag-without-value": lambda f: ["run", f.model, "--input"],
    "run-unknown-flag": lambda f: ["run", f.model, "--input", f.input, "--output-dir", f.out,
                                   "--bogus"],
}


# Cases about file contents rather than the command line's shape.
BAD_FILES = {"inspect-missing-file", "inspect-empty-file", "inspect-text-file",
             "inspect-directory", "run-missing-input", "run-short-input", "run-long-input",
             "run-extra-input", "run-output-dir-is-file"}


@pytest.mark.suite("cli errors", "rejected with a one-line message")
@pytest.mark.parametrize("name", list(CASES))
def test_bad_invocation(cli, shared_dir, tmp_path, name):
    args = CASES[name](Files(tmp_path))
    assert_clean_failure(cli(*args, timeout=60), one_line=name in BAD_FILES)
