"""`microml convert` on Keras models (.keras, .h5, SavedModel), through
TensorFlow's converter: each converts, runs bit-exactly on microml and TFLM,
and agrees with Keras's float output.

TensorFlow is not in .venv: scripts/test.sh runs this file with
build/venv-tf/bin/python (scripts/setup_tensorflow.sh, requirements-tf.txt).
Where TensorFlow could not be installed, MICROML_TENSORFLOW_UNAVAILABLE holds
why, and the Keras tests are skipped with that reason."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from microml_test_util import REPO  # noqa: E402
from report_checks import check_report  # noqa: E402

CONVERT_DIR = REPO / "tools" / "convert"
SAMPLES = 100  # 80 calibrate, 20 are held back for the report


def tensorflow():
    why = os.environ.get("MICROML_TENSORFLOW_UNAVAILABLE")
    if why:
        pytest.skip("TensorFlow could not be installed into build/venv-tf: %s" % why)
    return pytest.importorskip(
        "tensorflow", reason="TensorFlow is not installed in %s: scripts/test.sh runs the Keras tests with "
        "build/venv-tf/bin/python (scripts/setup_tensorflow.sh)" % sys.executable)


def run_convert(model_path, data_path, out_path, *extra):
    env = dict(os.environ, PYTHONPATH=str(CONVERT_DIR))
    return subprocess.run([sys.executable, "-m", "microml_convert", str(model_path), "-o", str(out_path),
                           "--calibration", str(data_path), *extra], capture_output=True, text=True, env=env,
                          timeout=600)


def test_keras_needs_tensorflow(tmp_path):
    try:
        import tensorflow  # noqa: F401
        pytest.skip("TensorFlow is installed: test_keras_model runs the Keras path instead")
    except ImportError:
        pass
    model = tmp_path / "model.keras"
    model.write_bytes(b"not used")
    np.save(tmp_path / "d.npy", np.zeros((4, 3), np.float32))
    done = run_convert(model, tmp_path / "d.npy", tmp_path / "o.tflite")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "microml convert: error: %s is a Keras/SavedModel model: converting it needs TensorFlow "
        "(pip install tensorflow-cpu); ONNX models convert without it" % model]


def bright_band(n, seed):
    """Images of noise with one brighter band of rows (top, middle or bottom),
    and the band as the label."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    images = rng.uniform(0, 0.6, (n, 10, 10, 1)).astype(np.float32)
    for image, band in zip(images, labels):
        image[3 * band:3 * band + 4] += 0.4
    return images, labels


@pytest.fixture(scope="module")
def trained():
    """(tensorflow, a small CNN trained to find the band, held-out images):
    CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED and
    SOFTMAX once converted. Trained, so that top-1 agreement means something."""
    tf = tensorflow()
    tf.keras.utils.set_random_seed(0)
    inp = tf.keras.Input((10, 10, 1))
    y = tf.keras.layers.Conv2D(4, 3, activation="relu")(inp)
    y = tf.keras.layers.DepthwiseConv2D(3, padding="same", activation="relu6")(y)
    y = tf.keras.layers.AveragePooling2D(2)(y)
    y = tf.keras.layers.Flatten()(y)
    y = tf.keras.layers.Dense(3, activation="softmax")(y)
    model = tf.keras.Model(inp, y)
    model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    model.fit(*bright_band(300, 1), epochs=15, batch_size=32, verbose=0)
    images, labels = bright_band(SAMPLES, 2)
    assert np.mean(model.predict(images, verbose=0).argmax(1) == labels) >= 0.95  # it really is trained
    return tf, model, images


@pytest.mark.suite("convert-keras", "converted by TensorFlow, bit-exact on microml and TFLM, close to float")
@pytest.mark.parametrize("form,io_dtype", [("keras", "int8"), ("h5", "uint8"), ("saved_model", "int8")])
def test_keras_model(tmp_path, microml_bin, trained, form, io_dtype):
    _, model, images = trained
    if form == "saved_model":
        path = tmp_path / "saved"
        model.export(str(path), verbose=False)
    else:
        path = tmp_path / ("model." + form)
        model.save(path)
    np.save(tmp_path / "d.npy", images)
    out = tmp_path / "o.tflite"
    done = run_convert(path, tmp_path / "d.npy", out, "--json", "--io-dtype", io_dtype, "--microml",
                       str(microml_bin))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    check_report(report)
    assert report["samples"] == SAMPLES // 5
    assert report["outputs"][0]["top1_agreement"] >= 0.95
    inspected = json.loads(subprocess.run([str(microml_bin), "inspect", str(out), "--json"], capture_output=True,
                                          text=True, check=True).stdout)
    assert {t["dtype"] for t in inspected["inputs"] + inspected["outputs"]} == {io_dtype}
    ops = set(inspected["ops"])
    assert {"CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "FULLY_CONNECTED", "SOFTMAX"} <= ops, ops


@pytest.mark.suite("convert-keras", "converted by TensorFlow, bit-exact on microml and TFLM, close to float")
@pytest.mark.parametrize("form,outputs", [("keras", "list"), ("saved_model", "list"), ("keras", "dict")])
def test_keras_inputs_and_outputs_by_name(tmp_path, microml_bin, form, outputs):
    """Two inputs and two outputs: TensorFlow's converter orders them its own
    way (here neither as declared nor sorted), so calibration, the float
    reference and the report must follow the signature's names."""
    tf = tensorflow()
    tf.keras.utils.set_random_seed(0)
    zeta, alpha = tf.keras.Input((6,), name="zeta"), tf.keras.Input((4,), name="alpha")
    total = tf.keras.layers.Add()([tf.keras.layers.Dense(5, activation="relu")(zeta), tf.keras.layers.Dense(5)(alpha)])
    side = tf.keras.layers.Dense(2)(alpha)
    model = tf.keras.Model([zeta, alpha], [total, side] if outputs == "list" else {"total": total, "side": side})
    if form == "saved_model":
        path = tmp_path / "saved"
        model.export(str(path), verbose=False)
    else:
        path = tmp_path / "model.keras"
        model.save(path)
    rng = np.random.default_rng(3)
    np.savez(tmp_path / "d.npz", zeta=rng.uniform(-1, 1, (SAMPLES, 6)).astype(np.float32),
             alpha=rng.uniform(0, 3, (SAMPLES, 4)).astype(np.float32))
    done = run_convert(path, tmp_path / "d.npz", tmp_path / "o.tflite", "--json", "--microml", str(microml_bin))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    check_report(report)
    assert len(report["outputs"]) == 2
