"""Host-side helpers of the MicroPython suites (built-in module and native
module): build checks, .exp comparison and a RAM filesystem for the QEMU
boards, which have none."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def need(path: Path, how: str) -> Path:
    """`path`, or a failure that says how to build it."""
    if not path.exists():
        pytest.fail(f"{path} is not built: run {how}", pytrace=False)
    return path


def check_expected(name: str, got: str):
    """Compares a script's output with its .exp file; a script that printed
    only SKIP (a feature its build lacks) is reported as skipped."""
    if got.strip() == "SKIP":
        pytest.skip(f"{name} printed SKIP")
    want = Path(str(HERE / name) + ".exp").read_text()
    if got != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "expected", "got"))
        pytest.fail(f"{name}: output differs from {name}.exp\n{diff[:6000]}", pytrace=False)


# MicroPython source: mounts `_fs`, a filesystem of byte strings (files, a
# dict from path to bytes or bytearray, filled before or after), at /ram and
# makes it the working directory.
RAM_FS = """import io, os, sys, vfs
class _RamFS:
    def __init__(self, files):
        self.files = files
    def mount(self, readonly, mkfs):
        pass
    def umount(self):
        pass
    def chdir(self, path):
        pass
    def getcwd(self):
        return ""
    def _get(self, path):
        data = self.files.get(path.strip("/"))
        if data is None:
            raise OSError(2)
        return data
    def open(self, path, mode):
        data = self._get(path)
        return io.BytesIO(data) if "b" in mode else io.StringIO(bytes(data).decode())
    def stat(self, path):
        path = path.strip("/")
        if path == "" or any(k.startswith(path + "/") for k in self.files):
            return (0x4000, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        return (0x8000, 0, 0, 0, 0, 0, len(self._get(path)), 0, 0, 0)
    def ilistdir(self, path):
        return iter(())
"""


def ram_fs_prelude(files: dict[str, bytes]) -> str:
    """Source that mounts `files` in RAM as the working directory."""
    return RAM_FS + f"""_fs = _RamFS({files!r})
vfs.mount(_fs, "/ram")
os.chdir("/ram")
del _RamFS
"""
