"""Every generated single-operator fixture (tests/fixtures/ops/*.json) against
TFLM itself: the tflite-micro package runs each model on seeded random inputs
and our CLI must reproduce its outputs bit-exactly (floats within 1e-5
relative). Fixtures marked "expect": "error" must be refused with a message.

Index entries: {"op", "name", "variant", ["expect"], ["invocations"],
["input_ranges"]}; the model is tests/fixtures/ops/<op>/<name>.tflite.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

import microml_test_util as util

FIXTURES = util.REPO / "tests" / "fixtures" / "ops"
sys.path.insert(0, str(FIXTURES))
# The ASan pass of scripts/test.sh runs one seed over every STRIDE-th fixture
# (its summary line says so); the release pass runs all fixtures on 3 seeds.
SEEDS = tuple(range(int(os.environ.get("MICROML_ORACLE_SEEDS", "3"))))
STRIDE = int(os.environ.get("MICROML_ORACLE_STRIDE", "1"))
LABEL = os.environ.get("MICROML_ORACLE_LABEL", "")
# Comma-separated operators (fixture directory names) to run alone; the x86
# level passes of scripts/test.sh run those with x86 kernels.
OPS = set(filter(None, os.environ.get("MICROML_ORACLE_OPS", "").split(",")))


def _entries():
    entries = []
    position = 0
    for index in sorted(FIXTURES.glob("*.json")):
        for e in json.loads(index.read_text()):
            if OPS and e["op"] not in OPS:
                continue
            position += 1
            if (position - 1) % STRIDE:
                continue
            model = FIXTURES / e["op"] / f"{e['name']}.tflite"
            entries.append(pytest.param(e, model, id=f"{e['op']}/{e['name']}",
                                        marks=pytest.mark.suite(f"ops{LABEL} {e['op'].upper()} {e.get('variant', '')}".strip(),
                                                                "match TFLM")))
    return entries


def _random_input(rng, detail, value_range):
    dtype = np.dtype(detail["dtype"])
    shape = tuple(int(d) for d in detail["shape"])
    if value_range is not None:
        lo, hi = value_range
        if dtype.kind == "f":
            return rng.uniform(lo, hi, size=shape).astype(dtype)
        return rng.integers(lo, hi + 1, size=shape).astype(dtype)
    if dtype.kind == "f":
        return rng.uniform(-3.0, 3.0, size=shape).astype(dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, size=shape).astype(dtype)
    info = np.iinfo(dtype)
    lo, hi = max(info.min, -(1 << 20)), min(info.max, 1 << 20)
    return rng.integers(lo, hi, size=shape, endpoint=True).astype(dtype)


@pytest.mark.parametrize("entry,model", _entries())
def test_op_matches_tflm(entry, model, cli, tmp_path):
    from tflite_micro.python.tflite_micro import runtime

    assert model.is_file(), f"{model} is listed in an index but missing"
    if entry.get("expect") == "error":
        proc = cli.run(model, [], tmp_path / "out")
        assert proc.returncode > 0, cli.describe(proc)
        assert util.sanitizer_report(proc.stderr_text) is None, cli.describe(proc)
        assert proc.stderr_text.strip(), "refused without a message"
        return

    info = cli.inspect(model)
    num_inputs, num_outputs = len(info["inputs"]), len(info["outputs"])
    ranges = entry.get("input_ranges") or [None] * num_inputs
    invocations = int(entry.get("invocations", 1))
    model_bytes = model.read_bytes()
    for seed in SEEDS:
        rng = np.random.default_rng(seed * 7919 + 17)
        interpreter = runtime.Interpreter.from_bytes(model_bytes, arena_size=16 << 20)
        inputs = [_random_input(rng, interpreter.get_input_details(i), ranges[i])
                  for i in range(num_inputs)]
        paths = []
        for i, x in enumerate(inputs):
            path = tmp_path / f"seed{seed}_input{i}.bin"
            path.write_bytes(np.ascontiguousarray(x).astype(x.dtype.newbyteorder("<")).tobytes())
            paths.append(path)
        for step in range(1, invocations + 1):
            for i, x in enumerate(inputs):
                interpreter.set_input(x, i)
            interpreter.invoke()
            want = [np.array(interpreter.get_output(k)) for k in range(num_outputs)]
            got = cli.run_ok(model, paths, tmp_path / f"seed{seed}_step{step}", num_outputs,
                             "--repeat", str(step))
            for k in range(num_outputs):
                problem = util.compare_outputs(got[k], want[k].tobytes(), want[k].dtype,
                                               f"output {k}")
                assert problem is None, (f"seed {seed}, invocation {step}: {problem}")
            if invocations == 1:
                break
