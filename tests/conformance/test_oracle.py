"""Differential test against TFLM itself (the `tflite-micro` package): every shared
model on extra seeded random inputs, each from a fresh interpreter (one Invoke, so
stateful models such as the audio preprocessors start from the same state)."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

import microml_test_util as util

SEEDS = range(5)
MODELS = util.model_dirs()
PARAMS = [(d, s) for d in MODELS for s in SEEDS]
IDS = [f"{d.name}-seed{s}" for d, s in PARAMS]


@pytest.fixture(scope="module")
def tflm_runtime():
    from tflite_micro.python.tflite_micro import runtime

    return runtime


def model_info(runtime, data: bytes) -> tuple[int, int, list[str]]:
    """(inputs, outputs, custom operator names) of subgraph 0."""
    model = runtime.convert_bytearray_to_object(bytearray(data))
    sg = model.subgraphs[0]
    custom = sorted({oc.customCode.decode() for oc in model.operatorCodes if oc.customCode})
    return len(sg.inputs), len(sg.outputs), custom


def random_input(details: dict, rng: np.random.Generator) -> np.ndarray:
    dtype = np.dtype(details["dtype"])
    shape = tuple(int(x) for x in details["shape"])
    if dtype.kind == "f":
        return rng.uniform(-1.0, 1.0, size=shape).astype(dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, size=shape).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)


def unsupported_custom_op(stderr: str, custom_ops: list[str]) -> str | None:
    """The custom operator the CLI says it does not support, if that is why it failed."""
    if "unsupported" not in stderr.lower() and "not supported" not in stderr.lower():
        return None
    for name in custom_ops:
        if name in stderr:
            return name
    return None


@pytest.mark.suite("oracle", "bit-exact with the tflite-micro package")
@pytest.mark.parametrize("model_dir,seed", PARAMS, ids=IDS)
def test_matches_tflm(cli, tflm_runtime, model_dir, seed, tmp_path):
    path = model_dir / "model.tflite"
    data = path.read_bytes()
    num_inputs, num_outputs, custom_ops = model_info(tflm_runtime, data)
    arena = max(10 * len(data), 4 << 20)
    tflm = tflm_runtime.Interpreter.from_bytes(data, arena_size=arena)

    rng = np.random.default_rng([seed, zlib.crc32(model_dir.name.encode())])
    inputs, files = [], []
    for k in range(num_inputs):
        arr = random_input(tflm.get_input_details(k), rng)
        inputs.append(arr)
        files.append(tmp_path / f"input{k}.bin")
        files[-1].write_bytes(arr.astype(arr.dtype.newbyteorder("<")).tobytes())

    proc = cli.run(path, files, tmp_path / "out")
    if proc.returncode != 0 and not util.sanitizer_report(proc.stderr_text):
        op = unsupported_custom_op(proc.stderr_text, custom_ops)
        if op:
            pytest.skip(f"custom op {op} unsupported by the runtime: "
                        f"{proc.stderr_text.strip().splitlines()[0]}")
    cli.check(proc)

    for k, arr in enumerate(inputs):
        tflm.set_input(arr, k)
    tflm.invoke()
    problems = []
    for k in range(num_outputs):
        want = tflm.get_output(k)
        out = tmp_path / "out" / f"output{k}.bin"
        if not out.is_file():
            problems.append(f"output{k}.bin was not written")
            continue
        problem = util.compare_outputs(out.read_bytes(), want, want.dtype, f"output{k}")
        if problem:
            problems.append(problem)
    assert not problems, f"{model_dir.name} seed {seed}: " + "; ".join(problems)
