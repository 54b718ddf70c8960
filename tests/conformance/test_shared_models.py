"""The published models in shared/models: golden outputs, arena size and the
inspect report against meta.json."""

from __future__ import annotations

import json
import math

import pytest

import microml_test_util as util

MODELS = util.golden_model_dirs()
IDS = [d.name for d in MODELS]


def expected_outputs(model_dir):
    meta = util.load_meta(model_dir)
    return [(model_dir / o["file"], util.np_dtype(o["dtype"])) for o in meta["outputs"]]


@pytest.mark.suite("shared models", "bit-exact")
@pytest.mark.parametrize("model_dir", MODELS, ids=IDS)
def test_golden_outputs(cli, model_dir, tmp_path):
    expected = expected_outputs(model_dir)
    outputs = cli.run_ok(model_dir / "model.tflite", util.model_inputs(model_dir), tmp_path,
                         len(expected))
    problems = [util.compare_outputs(got, path.read_bytes(), dtype, path.name)
                for got, (path, dtype) in zip(outputs, expected)]
    problems = [p for p in problems if p]
    assert not problems, f"{model_dir.name}: " + "; ".join(problems)


@pytest.mark.suite("arena", "within TFLM's arena_used_bytes")
@pytest.mark.parametrize("model_dir", MODELS, ids=IDS)
def test_arena_not_above_tflm(cli, model_dir, record_property):
    meta = util.load_meta(model_dir)
    ours = cli.inspect(model_dir / "model.tflite")["arena_bytes"]
    tflm = meta["tflm_arena_used_bytes"]
    record_property("arena_bytes", ours)
    record_property("tflm_arena_used_bytes", tflm)
    print(f"{model_dir.name}: arena {ours} B vs TFLM {tflm} B ({ours / tflm:.1%})")
    assert ours <= tflm, f"{model_dir.name}: arena_bytes {ours} > TFLM's {tflm}"


@pytest.mark.suite("arena limit", "bit-exact in the fastest plan")
@pytest.mark.parametrize("model_dir", MODELS, ids=IDS)
def test_fastest_plan(cli, model_dir, tmp_path, record_property):
    """The default arena recomputes per-channel scales where that makes it
    smaller; a limit above every plan buys the fastest one back, with TFLM's
    golden outputs too."""
    meta = util.load_meta(model_dir)
    model = model_dir / "model.tflite"
    default = cli.inspect(model)
    roomy = cli.check(cli("inspect", model, "--json", "--arena-limit", 1 << 30))
    fastest = json.loads(roomy.stdout_text)
    record_property("fastest_arena_bytes", fastest["arena_bytes"])
    assert fastest["arena_tradeoff"] == "none"
    assert default["arena_tradeoff"] in ("none", "recomputed_scales")
    assert (default["arena_bytes"] < fastest["arena_bytes"]) == (
        default["arena_tradeoff"] == "recomputed_scales")
    repeat = "1" if meta.get("variable_tensors", 0) else "2"
    expected = expected_outputs(model_dir)
    outputs = cli.run_ok(model, util.model_inputs(model_dir), tmp_path, len(expected),
                         "--arena-limit", str(1 << 30), "--repeat", repeat)
    problems = [util.compare_outputs(got, path.read_bytes(), dtype, path.name)
                for got, (path, dtype) in zip(outputs, expected)]
    problems = [p for p in problems if p]
    assert not problems, f"{model_dir.name} in the fastest plan: " + "; ".join(problems)


@pytest.mark.suite("arena limit", "bit-exact in the smallest arena")
@pytest.mark.parametrize("model_dir", MODELS, ids=IDS)
def test_smallest_arena(cli, model_dir, tmp_path, record_property):
    """With --arena-limit at the smallest arena inspect reports, the model runs
    (twice, so recomputed scales and row bands are redone) to TFLM's golden
    outputs; one byte less is refused with both figures named."""
    meta = util.load_meta(model_dir)
    model = model_dir / "model.tflite"
    plain = cli.inspect(model)
    smallest = plain["smallest_arena_bytes"]
    record_property("smallest_arena_bytes", smallest)
    assert 0 < smallest <= plain["arena_bytes"]
    limited = cli.check(cli("inspect", model, "--json", "--arena-limit", smallest))
    report = json.loads(limited.stdout_text)
    assert report["arena_bytes"] == smallest
    assert (report["arena_tradeoff"] == plain["arena_tradeoff"]) == (
        smallest == plain["arena_bytes"])
    # A stateful model's golden output is its first invocation's.
    repeat = "1" if meta.get("variable_tensors", 0) else "2"
    expected = expected_outputs(model_dir)
    outputs = cli.run_ok(model, util.model_inputs(model_dir), tmp_path, len(expected),
                         "--arena-limit", str(smallest), "--repeat", repeat)
    problems = [util.compare_outputs(got, path.read_bytes(), dtype, path.name)
                for got, (path, dtype) in zip(outputs, expected)]
    problems = [p for p in problems if p]
    assert not problems, f"{model_dir.name} in {smallest} B: " + "; ".join(problems)
    refused = cli("run", model, "--output-dir", tmp_path / "refused", "--arena-limit",
                  smallest - 1)
    assert refused.returncode == 1
    lines = refused.stderr_text.strip().splitlines()
    assert len(lines) == 1 and str(smallest - 1) in lines[0] and str(smallest) in lines[0], (
        refused.stderr_text)
    if smallest < plain["arena_bytes"]:
        assert str(plain["arena_bytes"]) in lines[0], refused.stderr_text


def _as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _quantization(t):
    """(scales, zero_points); meta.json writes 0/0 and the CLI null/null for an
    unquantized tensor, both mean "none"."""
    scales, zeros = _as_list(t.get("scale")), _as_list(t.get("zero_point"))
    if all(s == 0 for s in scales) and all(z == 0 for z in zeros):
        return [], []
    return scales, zeros


def _tensor_problems(kind, ours, theirs):
    problems = []
    if len(ours) != len(theirs):
        return [f"{kind}: {len(ours)} tensors, meta.json has {len(theirs)}"]
    for k, (o, t) in enumerate(zip(ours, theirs)):
        where = f"{kind}[{k}]"
        if list(o.get("shape", [])) != list(t["shape"]):
            problems.append(f"{where}.shape {o.get('shape')} != {t['shape']}")
        if str(o.get("dtype", "")).lower() != t["dtype"].lower():
            problems.append(f"{where}.dtype {o.get('dtype')!r} != {t['dtype']!r}")
        (scales, zeros), (want_scales, want_zeros) = _quantization(o), _quantization(t)
        if len(scales) != len(want_scales) or not all(
                math.isclose(a, b, rel_tol=1e-6) for a, b in zip(scales, want_scales)):
            problems.append(f"{where}.scale {o.get('scale')} != {t.get('scale')}")
        if zeros != want_zeros:
            problems.append(f"{where}.zero_point {o.get('zero_point')} != {t.get('zero_point')}")
    return problems


@pytest.mark.suite("inspect", "agree with meta.json")
@pytest.mark.parametrize("model_dir", MODELS, ids=IDS)
def test_inspect_matches_meta(cli, model_dir):
    meta = util.load_meta(model_dir)
    report = cli.inspect(model_dir / "model.tflite")
    missing = {"inputs", "outputs", "ops", "arena_bytes", "model_bytes"} - set(report)
    assert not missing, f"inspect --json lacks keys {sorted(missing)}"
    problems = _tensor_problems("inputs", report["inputs"], meta["inputs"])
    problems += _tensor_problems("outputs", report["outputs"], meta["outputs"])
    ops = {str(k).upper(): v for k, v in report["ops"].items()}
    want_ops = {o["op"].upper(): o["count"] for o in meta["ops"]}
    if ops != want_ops:
        problems.append(f"ops {ops} != {want_ops}")
    if report["model_bytes"] != meta["model_bytes"]:
        problems.append(f"model_bytes {report['model_bytes']} != {meta['model_bytes']}")
    if not (isinstance(report["arena_bytes"], int) and report["arena_bytes"] > 0):
        problems.append(f"arena_bytes {report['arena_bytes']!r} is not a positive integer")
    assert not problems, "; ".join(problems)


@pytest.mark.suite("repeat", "same output with --repeat 3")
@pytest.mark.parametrize("model_dir", MODELS, ids=IDS)
def test_repeat_gives_same_output(cli, model_dir, tmp_path):
    """Each invocation must see the same inputs: the planner may reuse input memory,
    so the CLI has to rewrite the inputs before every Invoke()."""
    meta = util.load_meta(model_dir)
    if meta.get("variable_tensors", 0):
        pytest.skip("stateful model: outputs legitimately change between invocations")
    expected = expected_outputs(model_dir)
    outputs = cli.run_ok(model_dir / "model.tflite", util.model_inputs(model_dir), tmp_path,
                         len(expected), "--repeat", "3")
    problems = [util.compare_outputs(got, path.read_bytes(), dtype, path.name)
                for got, (path, dtype) in zip(outputs, expected)]
    problems = [p for p in problems if p]
    assert not problems, f"{model_dir.name} after 3 invocations: " + "; ".join(problems)
