"""Single-operator models from TFLM's integration tests (shared/conformance/
tflm-integration): csv inputs in, csv golden out, bit-exact."""

from __future__ import annotations

import pytest

import microml_test_util as util

CASES = util.conformance_cases()


@pytest.mark.suite("tflm-integration", "bit-exact")
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_integration_golden(cli, case, tmp_path):
    indices = [k for k, _, _ in case.inputs]
    assert indices == list(range(len(indices))), f"input csv files are not numbered 0..N-1: {indices}"
    inputs = []
    for k, csv, dtype in case.inputs:
        path = tmp_path / f"input{k}.bin"
        path.write_bytes(util.read_csv_values(csv, util.np_dtype(dtype).newbyteorder("<")).tobytes())
        inputs.append(path)
    golden_dtype = util.np_dtype(case.golden_dtype)
    want = util.read_csv_values(case.golden, golden_dtype)
    (got,) = cli.run_ok(case.model, inputs, tmp_path / "out", 1)
    problem = util.compare_outputs(got, want, golden_dtype, "output0")
    assert problem is None, f"{case.id}: {problem}"
