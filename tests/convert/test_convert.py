"""`microml convert` on ONNX models built here (tests/convert/onnx_models.py):
each converts, runs bit-exactly on microml and TFLM, and agrees with
onnxruntime's float output; bad models and data are refused in one line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="onnx is not installed (pip install -r requirements.txt)")
pytest.importorskip("onnxruntime", reason="onnxruntime is not installed (pip install -r requirements.txt)")

sys.path.insert(0, str(Path(__file__).resolve().parent))
import onnx_models  # noqa: E402
from microml_test_util import REPO  # noqa: E402
from report_checks import MAX_ERROR_STEPS, check_report  # noqa: E402

CONVERT_DIR = REPO / "tools" / "convert"
sys.path.insert(0, str(CONVERT_DIR))
from microml_convert.convert_onnx import SUPPORTED  # noqa: E402


def convert(tmp_path, microml_bin, model, samples, *extra):
    """(exit status, report or None, stderr) of the converter's CLI."""
    onnx_path = tmp_path / "model.onnx"
    if isinstance(model, bytes):
        onnx_path.write_bytes(model)
    else:
        onnx.save(model, onnx_path)
    if isinstance(samples, dict):
        data = tmp_path / "data.npz"
        np.savez(data, **samples)
    elif isinstance(samples, (str, Path)):
        data = samples
    else:
        data = tmp_path / "data.npy"
        np.save(data, samples)
    env = dict(os.environ, PYTHONPATH=str(CONVERT_DIR))
    done = subprocess.run([sys.executable, "-m", "microml_convert", str(onnx_path), "-o",
                           str(tmp_path / "model.tflite"), "--calibration", str(data), "--json",
                           "--microml", str(microml_bin), *extra],
                          capture_output=True, text=True, env=env, timeout=300)
    report = json.loads(done.stdout) if done.returncode == 0 else None
    return done.returncode, report, done.stderr


def uniform(shape, seed=0, lo=-1.0, hi=1.0):
    return np.random.default_rng(seed).uniform(lo, hi, shape).astype(np.float32)


CASES = {
    "cnn_classifier": (onnx_models.cnn_classifier, lambda: uniform((40, 1, 16, 16), lo=0.0)),
    "branches": (onnx_models.branches, lambda: uniform((30, 3, 12, 12))),
    "windows": (onnx_models.windows, lambda: uniform((30, 4, 16, 16))),
    "sensor_1d": (onnx_models.sensor_1d, lambda: uniform((40, 3, 32), 3, -2, 2)),
    "two_inputs": (onnx_models.two_inputs,
                   lambda: {"seq": uniform((200, 5, 6), 1, -2, 2), "bias": uniform((200, 4), 2)}),
}


@pytest.mark.suite("convert", "converted, bit-exact on microml and TFLM, close to float")
@pytest.mark.parametrize("io_dtype", ["int8", "uint8"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_converts_bit_exact_and_close_to_float(tmp_path, microml_bin, name, io_dtype):
    build, samples = CASES[name]
    status, report, stderr = convert(tmp_path, microml_bin, build(), samples(), "--io-dtype", io_dtype)
    assert status == 0, stderr
    check_report(report)
    inspected = json.loads(subprocess.run([str(microml_bin), "inspect", str(tmp_path / "model.tflite"),
                                           "--json"], capture_output=True, text=True, check=True).stdout)
    assert {t["dtype"] for t in inspected["inputs"] + inspected["outputs"]} == {io_dtype}


@pytest.mark.suite("convert", "converted, bit-exact on microml and TFLM, close to float")
def test_trained_classifier_top1(tmp_path, microml_bin):
    model, features, accuracy = onnx_models.trained_classifier()
    assert accuracy >= 0.95  # the fixture really is a trained classifier
    status, report, stderr = convert(tmp_path, microml_bin, model, features, "--board", "rp2040")
    assert status == 0, stderr
    check_report(report)
    assert report["samples"] == 120
    assert report["outputs"][0]["top1_agreement"] >= 0.98
    assert report["board"]["fits"] and report["board"]["ram"] == 264 << 10


def test_every_supported_operator_is_in_a_test_model():
    used = set()
    for build, _ in CASES.values():
        used |= {n.op_type for n in build().graph.node}
    used |= {n.op_type for n in onnx_models.trained_classifier()[0].graph.node}
    aliases = {"Dropout", "Identity", "GlobalMaxPool", "Squeeze"}  # tested in test_small_operators
    assert set(SUPPORTED) - used - aliases == set()


def small_model(nodes, inits, in_shape, out_shape):
    from onnx import TensorProto, helper, numpy_helper
    g = helper.make_graph(nodes, "t", [helper.make_tensor_value_info("x", TensorProto.FLOAT, in_shape)],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)],
                          [numpy_helper.from_array(v, k) for k, v in inits.items()])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", onnx_models.OPSET)])


def test_small_operators(tmp_path, microml_bin):
    """Identity, Dropout, GlobalMaxPool, Squeeze in one model."""
    from onnx import helper
    nodes = [helper.make_node("Identity", ["x"], ["a"]), helper.make_node("Dropout", ["a"], ["b"]),
             helper.make_node("GlobalMaxPool", ["b"], ["c"]),
             helper.make_node("Squeeze", ["c", "axes"], ["y"])]
    model = small_model(nodes, {"axes": np.array([2, 3], np.int64)}, [1, 3, 5, 5], [1, 3])
    status, report, stderr = convert(tmp_path, microml_bin, model, uniform((10, 3, 5, 5)))
    assert status == 0, stderr
    check_report(report)


def test_image_folder_calibration(tmp_path, microml_bin):
    """A folder of images of any size and mode: converted to the input's
    channels, resized to its height and width, scaled to [0, 1]."""
    image = pytest.importorskip("PIL.Image", reason="Pillow is not installed (pip install -r requirements.txt)")
    folder = tmp_path / "images"
    folder.mkdir()
    rng = np.random.default_rng(5)
    for k in range(12):
        pixels = rng.integers(0, 256, (20 + k, 24, 3), dtype=np.uint8)
        image.fromarray(pixels).save(folder / ("%02d.png" % k))
    (folder / "notes.txt").write_text("not an image")
    status, report, stderr = convert(tmp_path, microml_bin, onnx_models.cnn_classifier(), folder)
    assert status == 0, stderr
    assert report["samples"] == 2  # 20 % of 12 held back
    check_report(report)


# --------------------------------------------------------------------------- refusals

def refused(tmp_path, microml_bin, model, samples, *words):
    status, _, stderr = convert(tmp_path, microml_bin, model, samples)
    assert status == 1, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("microml convert: error: "), stderr
    for w in words:
        assert w in lines[0], lines[0]


def test_unsupported_operator_is_named(tmp_path, microml_bin):
    from onnx import helper
    model = small_model([helper.make_node("Tanh", ["x"], ["y"], name="the_tanh")], {}, [1, 4], [1, 4])
    refused(tmp_path, microml_bin, model, uniform((4, 4)), "node 'the_tanh' (Tanh)", "not supported")


def test_grouped_convolution_is_refused(tmp_path, microml_bin):
    from onnx import helper
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="grouped", group=2, kernel_shape=[1, 1])
    model = small_model([node], {"w": uniform((4, 2, 1, 1))}, [1, 4, 3, 3], [1, 4, 3, 3])
    refused(tmp_path, microml_bin, model, uniform((4, 4, 3, 3)), "node 'grouped' (Conv)", "group=2")


def test_lone_batch_norm_is_refused(tmp_path, microml_bin):
    from onnx import helper
    params = {k: np.ones(2, np.float32) for k in ("g", "b", "m", "v")}
    node = helper.make_node("BatchNormalization", ["x", "g", "b", "m", "v"], ["y"], name="bn")
    model = small_model([node], params, [1, 2, 3, 3], [1, 2, 3, 3])
    refused(tmp_path, microml_bin, model, uniform((4, 2, 3, 3)), "node 'bn' (BatchNormalization)")


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_onnx_file(tmp_path, microml_bin, cut):
    raw = onnx_models.cnn_classifier().SerializeToString()
    refused(tmp_path, microml_bin, raw[: int(len(raw) * cut)], uniform((4, 1, 16, 16)),
            "not a valid ONNX model")


def test_not_an_onnx_file(tmp_path, microml_bin):
    refused(tmp_path, microml_bin, b"\x00garbage" * 50, uniform((4, 1, 16, 16)), "not a valid ONNX model")


@pytest.mark.parametrize("samples,words", [
    (uniform((6, 1, 15, 16)), ("samples of shape [1, 16, 16]", "[6, 1, 15, 16]")),
    (uniform((1, 1, 16, 16)), ("1 sample(s)", "at least 2")),
    (np.full((4, 1, 16, 16), np.nan, np.float32), ("NaN or infinite",)),
    (np.array(["a", "b"]), ("numbers needed",)),
    ("missing.npy", ("does not exist",)),
])
def test_bad_calibration_data(tmp_path, microml_bin, samples, words):
    refused(tmp_path, microml_bin, onnx_models.cnn_classifier(), samples, *words)


def test_corrupt_npy(tmp_path, microml_bin):
    bad = tmp_path / "bad.npy"
    bad.write_bytes(b"\x93NUMPY garbage")
    refused(tmp_path, microml_bin, onnx_models.cnn_classifier(), bad, "not a readable .npy")


# --------------------------------------------------------------------------- desktop TFLite

def test_desktop_tflite_runs_converted_models(tmp_path, microml_bin):
    """TFLite's own interpreter (LiteRT, the ai-edge-litert package, which
    replaces tf.lite.Interpreter) is stricter than TFLM about tensor shapes; its
    kernels round differently, so a few output steps apart is expected."""
    litert = pytest.importorskip("ai_edge_litert.interpreter",
                                 reason="ai-edge-litert is not installed (pip install -r requirements.txt)")
    from tflite_micro.python.tflite_micro import runtime
    for name, (build, samples) in sorted(CASES.items()):
        status, _, stderr = convert(tmp_path, microml_bin, build(), samples())
        assert status == 0, stderr
        path = str(tmp_path / "model.tflite")
        desktop = litert.Interpreter(model_path=path)
        desktop.allocate_tensors()
        micro = runtime.Interpreter.from_file(path, arena_size=16 << 20)
        rng = np.random.default_rng(0)
        for k, d in enumerate(desktop.get_input_details()):
            x = rng.integers(-128, 128, d["shape"]).astype(d["dtype"])
            desktop.set_tensor(d["index"], x)
            micro.set_input(x, k)
        desktop.invoke()
        micro.invoke()
        for k, d in enumerate(desktop.get_output_details()):
            diff = np.abs(desktop.get_tensor(d["index"]).astype(int) - np.array(micro.get_output(k)).astype(int))
            assert diff.max() <= MAX_ERROR_STEPS, (name, k, diff.max())


def test_cli_points_to_the_converter(microml_bin):
    done = subprocess.run([str(microml_bin), "convert", "m.onnx"], capture_output=True, text=True)
    assert done.returncode == 2
    assert "tools/convert/microml-convert MODEL -o OUT.tflite --calibration DATA" in done.stderr


MICROPY_BUILDS = Path(os.environ.get("MICROPY_OUT", REPO / "build" / "micropython"))


def built(path, target):
    if not path.is_file():
        pytest.fail(f"{path} is not built: run scripts/build_micropython.sh {target}", pytrace=False)
    return path


def test_example_on_micropython(tmp_path, microml_bin):
    """examples/convert: the MNIST-style network converted, then run by the ml
    module on the unix MicroPython port and on the Cortex-M4 qemu firmware; the
    outputs are microml CLI's, dequantized."""
    micropython = built(MICROPY_BUILDS / "unix" / "micropython", "unix")
    firmware = built(MICROPY_BUILDS / "qemu-m4f" / "firmware.elf", "qemu")
    done = subprocess.run([sys.executable, str(REPO / "examples" / "convert" / "mnist_style.py"), str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "bit-exact on every sample" in done.stdout
    model, raw = tmp_path / "mnist_style.tflite", tmp_path / "input0.bin"
    ran = subprocess.run([str(micropython), str(REPO / "examples" / "convert" / "run_converted.py"), str(model),
                          str(raw)], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    line = next(x for x in ran.stdout.splitlines() if x.startswith("output 0:"))
    got = np.array([float(v) for v in line.split(":")[1].split()])
    sys.path.insert(0, str(REPO / "scripts"))
    import run_micropython_qemu as qemu
    # The firmware has no file system here: the model and input go in as bytes literals.
    script = ("import ml\nm = ml.Model(%r)\nprint(' '.join('%%.6g' %% v for v in m.predict([%r])[0].flatten()"
              ".tolist()))\n" % (model.read_bytes(), raw.read_bytes()))
    out, err, status = qemu.run(script, "m4f", firmware=firmware)
    assert status == 0, err
    on_m4 = np.array([float(v) for v in out.split()])
    subprocess.run([str(microml_bin), "run", str(model), "--input", str(raw), "--output-dir", str(tmp_path)],
                   check=True, capture_output=True)
    info = json.loads(subprocess.run([str(microml_bin), "inspect", str(model), "--json"], capture_output=True,
                                     text=True, check=True).stdout)["outputs"][0]
    want = (np.fromfile(tmp_path / "output0.bin", np.int8).astype(np.float64) - info["zero_point"]) * info["scale"]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(on_m4, want, rtol=1e-5, atol=1e-6)


def test_mutated_onnx_files_fail_in_one_line(tmp_path, microml_bin, capsys):
    """Random byte changes to a valid model: each converts (bit-exact) or is
    refused with one error line and status 1, never a traceback."""
    from microml_convert import cli
    raw = bytearray(onnx_models.windows().SerializeToString())
    np.save(tmp_path / "d.npy", uniform((6, 4, 16, 16)))
    rng = np.random.default_rng(11)
    outcomes = {0: 0, 1: 0}
    for k in range(25):
        data = bytearray(raw)
        for pos in rng.integers(0, len(data), rng.integers(1, 4)):
            data[pos] = rng.integers(0, 256)
        (tmp_path / "m.onnx").write_bytes(bytes(data))
        status = cli.main([str(tmp_path / "m.onnx"), "-o", str(tmp_path / "m.tflite"), "--calibration",
                           str(tmp_path / "d.npy"), "--json", "--microml", str(microml_bin)])
        out, err = capsys.readouterr()
        assert status in outcomes, (k, status, err)
        outcomes[status] += 1
        if status == 0:
            assert json.loads(out)["microml"]["bit_exact"], k
        else:
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("microml convert: error: "), (k, err)
    assert outcomes[1] > 0
