"""`pip install .` in a fresh virtual environment: the `microml` command and
the Python API (microml.Model), compared with the C++ CLI on the shared models.

The install builds the runtime once (about 1.5 min of CPU on 2 cores; pip
downloads scikit-build-core, nanobind and numpy, or takes them from its cache).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from microml_test_util import MICROML_BIN  # noqa: E402

MODELS = ["person_detect.tflite", "micro_speech.tflite", "hello_world_int8.tflite",
          "hello_world_float.tflite"]
NP_DTYPE = {"b": np.int8, "B": np.uint8, "h": np.int16, "H": np.uint16, "i": np.int32, "f": np.float32}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("venv")
    venv.create(root, with_pip=True)
    python = root / "bin" / "python"
    proc = subprocess.run([str(python), "-m", "pip", "install", "-q", str(REPO)], capture_output=True,
                          text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return root


def py(env: Path, source: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(env / "bin" / "python"), "-c", source, *args], capture_output=True,
                          text=True, timeout=600, cwd=env)


@pytest.mark.parametrize("name", MODELS)
def test_predict_matches_cli(env, name, tmp_path):
    model = REPO / "models" / name
    info = json.loads(subprocess.run([str(MICROML_BIN), "inspect", str(model), "--json"],
                                     capture_output=True, text=True, check=True).stdout)
    rng = np.random.default_rng(7)
    inputs = []
    for i, t in enumerate(info["inputs"]):
        dtype = np.dtype({"int8": np.int8, "uint8": np.uint8, "int16": np.int16,
                          "int32": np.int32, "float32": np.float32}[t["dtype"]])
        if dtype.kind == "f":
            a = rng.standard_normal(t["shape"]).astype(dtype)
        else:
            info_i = np.iinfo(dtype)
            a = rng.integers(info_i.min, info_i.max, t["shape"], endpoint=True).astype(dtype)
        np.save(tmp_path / f"in{i}.npy", a)
        (tmp_path / f"in{i}.bin").write_bytes(a.tobytes())
        inputs.append(a)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    cmd = [str(MICROML_BIN), "run", str(model), "--output-dir", str(out_dir)]
    for i in range(len(inputs)):
        cmd += ["--input", str(tmp_path / f"in{i}.bin")]
    subprocess.run(cmd, check=True, capture_output=True)
    proc = py(env, f"""
import microml, numpy as np, sys
m = microml.Model(sys.argv[1])
print(m.ram, m.len)
outs = m.predict([np.load(sys.argv[2] + f"/in{{i}}.npy") for i in range({len(inputs)})])
for i, o in enumerate(outs):
    np.save(sys.argv[2] + f"/py{{i}}.npy", o)
""", str(model), str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    ram, length = map(int, proc.stdout.split())
    assert (ram, length) == (info["arena_bytes"], info["model_bytes"])
    for i, t in enumerate(info["outputs"]):
        dtype = {"int8": np.int8, "uint8": np.uint8, "int16": np.int16, "int32": np.int32,
                 "float32": np.float32}[t["dtype"]]
        raw = np.frombuffer((out_dir / f"output{i}.bin").read_bytes(), dtype=dtype).reshape(t["shape"])
        want = raw if dtype == np.float32 else \
            ((raw.astype(np.float64) - t["zero_point"]) * t["scale"]).astype(np.float32)
        got = np.load(tmp_path / f"py{i}.npy")
        assert got.dtype == np.float32 and got.shape == tuple(t["shape"])
        np.testing.assert_array_equal(got, want)


def test_errors(env):
    proc = py(env, f"""
import microml, numpy as np
def show(f):
    try:
        f()
        print("no error")
    except Exception as e:
        print(type(e).__name__ + ":", e)
m = microml.Model({str(REPO / "models" / "person_detect.tflite")!r})
show(lambda: microml.Model("/no/such/model.tflite"))
show(lambda: microml.Model(b"not a model at all"))
show(lambda: m.predict([np.zeros(5, np.int8)]))
show(lambda: m.predict([np.zeros((1, 96, 96, 1), np.int16)]))
show(lambda: m.predict([]))
show(lambda: m.predict(np.zeros(3)))
""")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("FileNotFoundError:") and "/no/such/model.tflite" in lines[0], lines
    assert lines[1].startswith("ValueError:"), lines
    assert lines[2] == "ValueError: input 0 (int8 (1, 96, 96, 1)): expected 9216 elements, got 5"
    assert lines[3] == ("ValueError: input 0 (int8 (1, 96, 96, 1)): expected int8 or float values, "
                        "got another dtype")
    assert lines[4] == "ValueError: expected 1 inputs, got 0"
    assert lines[5].startswith("TypeError:"), lines


def test_arena_limit(env):
    """Model(..., arena_limit=BYTES) takes the plan the CLI takes under the same
    limit: the fastest above every plan, the smallest at its size, MemoryError
    naming both figures below it; every plan predicts the same."""
    model = REPO / "models" / "person_detect.tflite"
    info = json.loads(subprocess.run([str(MICROML_BIN), "inspect", str(model), "--json"],
                                     capture_output=True, text=True, check=True).stdout)
    default, smallest = info["arena_bytes"], info["smallest_arena_bytes"]
    fastest = info["fastest_arena_bytes"]
    assert smallest < default < fastest
    proc = py(env, f"""
import microml, numpy as np
path = {str(model)!r}
x = np.random.default_rng(3).integers(-128, 128, (1, 96, 96, 1)).astype(np.int8)
def show(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__ + ":", e)
want = microml.Model(path, arena_limit=2**100).predict([x])[0]
for limit in (None, 2**100, {fastest}, {fastest - 1}, {smallest}):
    m = microml.Model(path, arena_limit=limit)
    print(m.ram, bool((m.predict([x])[0] == want).all()))
for bad in ({smallest - 1}, 0, -3, True, 1.5, "9"):
    show(lambda: microml.Model(path, arena_limit=bad).ram)
""")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[:5] == [f"{default} True", f"{fastest} True", f"{fastest} True",
                         f"{default} True", f"{smallest} True"], lines
    assert lines[5].startswith("MemoryError:") and str(smallest - 1) in lines[5] and \
        str(smallest) in lines[5] and str(default) in lines[5], lines
    assert lines[6] == "ValueError: arena_limit must be a positive number of bytes, got 0"
    assert lines[7] == "ValueError: arena_limit must be a positive number of bytes, got -3"
    assert lines[8] == "TypeError: arena_limit must be a positive int (bytes) or None, not bool"
    assert lines[9] == "TypeError: arena_limit must be a positive int (bytes) or None, not float"
    assert lines[10] == "TypeError: arena_limit must be a positive int (bytes) or None, not str"


def test_command(env):
    microml = str(env / "bin" / "microml")
    for args in (["--help"], ["inspect", "--help"], ["--version"]):
        proc = subprocess.run([microml, *args], capture_output=True, text=True)
        assert proc.returncode == 0, (args, proc.stderr)
    assert subprocess.run([microml], capture_output=True).returncode == 2
    assert subprocess.run([microml, "inspect"], capture_output=True).returncode == 2
    proc = subprocess.run([microml, "inspect", "/no/such.tflite"], capture_output=True, text=True)
    assert proc.returncode == 1 and "/no/such.tflite" in proc.stderr
    proc = subprocess.run([microml, "inspect", str(REPO / "models" / "hello_world_int8.tflite")],
                          capture_output=True, text=True, check=True)
    info = json.loads(proc.stdout)
    cli = json.loads(subprocess.run([str(MICROML_BIN), "inspect", str(REPO / "models" / "hello_world_int8.tflite"),
                                     "--json"], capture_output=True, text=True, check=True).stdout)
    assert info["ram"] == cli["arena_bytes"] and info["input_dtype"] == ["b"] and info["len"] == 2704
