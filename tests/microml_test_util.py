"""Helpers shared by the pytest suites: paths, the CLI wrapper, golden data readers
and output comparison."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MICROML_SHARED", REPO.parent / "shared")).resolve()
MODELS_DIR = SHARED / "models"
CONFORMANCE_DIR = SHARED / "conformance" / "tflm-integration"
MICROML_BIN = Path(os.environ.get("MICROML_BIN", REPO / "build" / "bin" / "microml"))

# Float outputs match when every element is within this relative error (with an
# absolute floor of the same size for values at or near zero).
FLOAT_RTOL = 1e-5

DTYPES = {
    "int8": np.int8, "uint8": np.uint8, "int16": np.int16, "uint16": np.uint16,
    "int32": np.int32, "uint32": np.uint32, "int64": np.int64, "uint64": np.uint64,
    "float32": np.float32, "float16": np.float16, "float64": np.float64, "bool": np.bool_,
}

SANITIZER_MARKERS = ("AddressSanitizer", "UndefinedBehaviorSanitizer", "LeakSanitizer",
                     "MemorySanitizer", "ThreadSanitizer", "runtime error:", "SUMMARY: ")


def np_dtype(name: str):
    """numpy dtype for a dtype name as found in meta.json ("INT8"), in the CLI's
    JSON ("int8") or in csv file names ("int16")."""
    key = name.lower()
    if key not in DTYPES:
        raise KeyError(f"unknown dtype {name!r}")
    return np.dtype(DTYPES[key])


# --------------------------------------------------------------------------- shared data

def model_dirs() -> list[Path]:
    """Every shared model folder with a model.tflite."""
    if not MODELS_DIR.is_dir():
        return []
    return sorted(d for d in MODELS_DIR.iterdir() if (d / "model.tflite").is_file())


def golden_model_dirs() -> list[Path]:
    """Shared model folders with golden outputs (output0.bin and meta.json)."""
    return [d for d in model_dirs() if (d / "output0.bin").is_file() and (d / "meta.json").is_file()]


def load_meta(model_dir: Path) -> dict:
    return json.loads((model_dir / "meta.json").read_text())


def numbered(paths, prefix: str) -> list[Path]:
    """Sorts input0.bin, input1.bin, ... by their number."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)")
    return sorted(paths, key=lambda p: int(pattern.search(p.name).group(1)))


def model_inputs(model_dir: Path) -> list[Path]:
    return numbered(model_dir.glob("input*.bin"), "input")


@dataclass
class ConformanceCase:
    model: Path
    inputs: list[tuple[int, Path, str]]  # (index, csv, dtype)
    golden: Path
    golden_dtype: str

    @property
    def id(self) -> str:
        return f"{self.model.parent.name}/{self.model.stem}"


def conformance_cases() -> list[ConformanceCase]:
    cases = []
    if not CONFORMANCE_DIR.is_dir():
        return cases
    for model in sorted(CONFORMANCE_DIR.glob("*/*.tflite")):
        name = model.stem
        inputs = []
        for csv in model.parent.glob(f"{name}_input*_*.csv"):
            m = re.fullmatch(re.escape(name) + r"_input(\d+)_(\w+)\.csv", csv.name)
            if m:
                inputs.append((int(m.group(1)), csv, m.group(2)))
        goldens = [(g, re.fullmatch(re.escape(name) + r"_golden_(\w+)\.csv", g.name))
                   for g in model.parent.glob(f"{name}_golden_*.csv")]
        goldens = [(g, m.group(1)) for g, m in goldens if m]
        if len(goldens) != 1:
            continue
        cases.append(ConformanceCase(model, sorted(inputs), goldens[0][0], goldens[0][1]))
    return cases


def read_csv_values(path: Path, dtype) -> np.ndarray:
    """A golden csv file (comma and/or newline separated integers) as a flat array,
    range-checked against dtype."""
    text = path.read_text()
    fields = [f for f in re.split(r"[,\s]+", text) if f]
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return np.array([float(f) for f in fields], dtype=dtype)
    values = np.array([int(f) for f in fields], dtype=np.int64)
    info = np.iinfo(dtype)
    if values.size and (values.min() < info.min or values.max() > info.max):
        raise ValueError(f"{path.name}: values outside {dtype}")
    return values.astype(dtype)


# --------------------------------------------------------------------------- CLI

class CliError(AssertionError):
    pass


def _cli_env() -> dict:
    env = dict(os.environ)
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    return env


def sanitizer_report(stderr: str) -> str | None:
    for marker in SANITIZER_MARKERS:
        if marker in stderr:
            return marker
    return None


class Cli:
    """Runs build/bin/microml."""

    def __init__(self, binary: Path):
        self.binary = binary

    def __call__(self, *args, timeout: float = 300) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(self.binary), *map(str, args)], capture_output=True,
                              timeout=timeout, env=_cli_env())
        proc.stdout_text = proc.stdout.decode("utf-8", "replace")
        proc.stderr_text = proc.stderr.decode("utf-8", "replace")
        return proc

    @staticmethod
    def describe(proc: subprocess.CompletedProcess) -> str:
        cmd = " ".join(map(str, proc.args))
        status = (f"killed by signal {-proc.returncode}" if proc.returncode < 0
                  else f"exit {proc.returncode}")
        stderr = proc.stderr_text.strip()
        first = stderr.splitlines()[0] if stderr else "(nothing on stderr)"
        return f"{status}: {first}\ncommand: {cmd}\nstderr:\n{stderr[:4000]}"

    def check(self, proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
        marker = sanitizer_report(proc.stderr_text)
        if proc.returncode != 0 or marker:
            raise CliError(("sanitizer report: " if marker else "") + self.describe(proc))
        return proc

    def inspect(self, model: Path) -> dict:
        proc = self.check(self("inspect", model, "--json"))
        try:
            return json.loads(proc.stdout_text)
        except json.JSONDecodeError as e:
            raise CliError(f"inspect --json printed invalid JSON ({e}):\n{proc.stdout_text[:2000]}")

    def run(self, model: Path, inputs, output_dir: Path, *extra, timeout: float = 300):
        args = ["run", model]
        for path in inputs:
            args += ["--input", path]
        args += ["--output-dir", output_dir, *extra]
        output_dir.mkdir(parents=True, exist_ok=True)
        return self(*args, timeout=timeout)

    def run_ok(self, model: Path, inputs, output_dir: Path, num_outputs: int, *extra) -> list[bytes]:
        """Runs and returns the bytes of output0.bin ... output<num_outputs-1>.bin."""
        proc = self.check(self.run(model, inputs, output_dir, *extra))
        outputs = []
        for k in range(num_outputs):
            path = output_dir / f"output{k}.bin"
            if not path.is_file():
                raise CliError(f"{path.name} was not written\n{self.describe(proc)}")
            outputs.append(path.read_bytes())
        return outputs


# --------------------------------------------------------------------------- comparison

def compare_outputs(got: bytes, want: bytes | np.ndarray, dtype, what: str = "output") -> str | None:
    """None when `got` (raw LE bytes) matches `want` (raw bytes or an array):
    byte for byte for integers, within FLOAT_RTOL for floats. Otherwise a short
    description of the difference."""
    dtype = np.dtype(dtype).newbyteorder("<")
    want_arr = (np.frombuffer(want, dtype=dtype) if isinstance(want, (bytes, bytearray))
                else np.ascontiguousarray(want, dtype=dtype).ravel())
    if len(got) != want_arr.nbytes:
        return (f"{what}: {len(got)} bytes, expected {want_arr.nbytes} "
                f"({want_arr.size} x {dtype.name})")
    got_arr = np.frombuffer(got, dtype=dtype)
    if got == want_arr.tobytes():
        return None
    if dtype.kind == "f":
        g = got_arr.astype(np.float64)
        w = want_arr.astype(np.float64)
        ok = np.isclose(g, w, rtol=FLOAT_RTOL, atol=FLOAT_RTOL, equal_nan=True)
        if ok.all():
            return None
        bad = np.flatnonzero(~ok)
        rel = np.abs(g - w) / np.maximum(np.abs(w), FLOAT_RTOL)
        return (f"{what}: {bad.size}/{w.size} float elements beyond rel {FLOAT_RTOL}; first at "
                f"{bad[0]}: got {g[bad[0]]!r}, expected {w[bad[0]]!r}; max rel err "
                f"{np.nanmax(rel):.3g}")
    bad = np.flatnonzero(got_arr != want_arr)
    diff = got_arr.astype(np.int64) - want_arr.astype(np.int64)
    first = bad[:8].tolist()
    return (f"{what}: {bad.size}/{want_arr.size} elements differ ({dtype.name}); max |diff| "
            f"{int(np.abs(diff).max())}; first at {first}: got "
            f"{got_arr[bad[:8]].tolist()}, expected {want_arr[bad[:8]].tolist()}")


# --------------------------------------------------------------------------- summaries

# Extra summary lines registered by tests: (suite, passed, total, note).
EXTRA_SUMMARIES: list[tuple[str, int, int, str]] = []


def add_summary(suite: str, passed: int, total: int, note: str = "") -> None:
    EXTRA_SUMMARIES.append((suite, passed, total, note))
