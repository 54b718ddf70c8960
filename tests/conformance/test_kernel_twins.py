"""An optimized kernel and its reference twin share one prepare, so they must
refuse exactly the same models with exactly the same message. Every refusal
fixture of an operator with an optimized kernel is run with both
(MICROML_KERNELS=reference and =optimized); the results must be identical.
The outputs of both are checked against TFLM by test_ops_oracle.py (scripts/test.sh
runs it once per kernel set)."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

import microml_test_util as util

FIXTURES = util.REPO / "tests" / "fixtures" / "ops"
# Operators with a registration in runtime/src/kernels/optimized_registry.cc.
OPTIMIZED_OPS = {"add", "average_pool_2d", "conv_2d", "depthwise_conv_2d", "fully_connected",
                 "max_pool_2d", "mul", "pad", "padv2", "softmax"}


def _refusals():
    out = []
    for index in sorted(FIXTURES.glob("*.json")):
        for e in json.loads(index.read_text()):
            if e["op"] in OPTIMIZED_OPS and e.get("expect") == "error":
                out.append(pytest.param(FIXTURES / e["op"] / f"{e['name']}.tflite",
                                        id=f"{e['op']}/{e['name']}"))
    return out


def _inspect(binary, model, kernels):
    env = dict(os.environ, MICROML_KERNELS=kernels)
    proc = subprocess.run([str(binary), "inspect", str(model)], capture_output=True, env=env,
                          timeout=120)
    return proc.returncode, proc.stderr.decode("utf-8", "replace")


def test_optimized_ops_have_refusal_fixtures():
    covered = {p.id.split("/")[0] for p in _refusals()}
    assert covered == OPTIMIZED_OPS, f"no refusal fixture for {sorted(OPTIMIZED_OPS - covered)}"


@pytest.mark.parametrize("model", _refusals())
def test_twins_refuse_alike(model, microml_bin):
    ref_status, ref_err = _inspect(microml_bin, model, "reference")
    opt_status, opt_err = _inspect(microml_bin, model, "optimized")
    assert ref_status > 0 and ref_err.strip(), "reference kernel accepted a refusal fixture"
    assert (opt_status, opt_err) == (ref_status, ref_err)
