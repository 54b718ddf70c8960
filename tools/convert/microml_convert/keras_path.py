"""Keras (.keras, .h5) and SavedModel models, through TensorFlow's own
converter with full-integer quantization. TensorFlow is optional: without it
these models are refused with the install command."""
import contextlib
import os
import sys

import numpy as np

from . import data
from .errors import ConvertError


def is_tensorflow_model(path):
    return path.endswith((".keras", ".h5")) or os.path.isfile(os.path.join(path, "saved_model.pb"))


def _tensorflow(path):
    try:
        import tensorflow as tf
    except ImportError:
        raise ConvertError("%s is a Keras/SavedModel model: converting it needs TensorFlow "
                           "(pip install tensorflow-cpu); ONNX models convert without it" % path) from None
    return tf


@contextlib.contextmanager
def _stdout_to_stderr():
    """TensorFlow's converter prints progress on stdout (from Python and C++);
    the report, and --json, own stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def convert(path, calibration, io_dtype):
    """(.tflite bytes, held-back inputs per sample, float outputs per sample)."""
    with _stdout_to_stderr():
        return _convert(path, calibration, io_dtype)


def _convert(path, calibration, io_dtype):
    tf = _tensorflow(path)
    try:
        if os.path.isdir(path):
            model = tf.keras.layers.TFSMLayer(path, call_endpoint="serving_default")
            specs = list(tf.saved_model.load(path).signatures["serving_default"].structured_input_signature[1].values())
            converter = tf.lite.TFLiteConverter.from_saved_model(path)
        else:
            model = tf.keras.models.load_model(path, compile=False)
            specs = model.inputs
            converter = tf.lite.TFLiteConverter.from_keras_model(model)
    except (OSError, ValueError, ImportError) as exc:
        raise ConvertError("TensorFlow cannot load %s: %s" % (path, str(exc).splitlines()[0])) from None
    inputs = []
    for spec in specs:
        shape = [1] + [int(d) for d in spec.shape[1:]]
        inputs.append(data.ModelInput(spec.name, shape, channels_last=True))
    calib, held = data.split(data.load_samples(calibration, inputs))
    n_calib = len(calib[inputs[0].name])

    def representative():
        for i in range(n_calib):
            yield [calib[inp.name][i:i + 1] for inp in inputs]

    io_type = {"int8": tf.int8, "uint8": tf.uint8}.get(io_dtype)
    if io_type is None:
        raise ConvertError("--io-dtype %s: choose int8 or uint8" % io_dtype)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = io_type
    converter.inference_output_type = io_type
    try:
        model_bytes = converter.convert()
    except Exception as exc:  # noqa: BLE001 - the converter raises many types
        raise ConvertError("TensorFlow's converter failed: %s" % str(exc).strip().splitlines()[0]) from None
    n_held = len(held[inputs[0].name])
    held_inputs = [[held[inp.name][i:i + 1] for inp in inputs] for i in range(n_held)]
    float_outputs = []
    for sample in held_inputs:
        out = model(*sample) if len(sample) > 1 else model(sample[0])
        if isinstance(out, dict):
            out = [out[k] for k in sorted(out)]
        elif not isinstance(out, (list, tuple)):
            out = [out]
        float_outputs.append([np.asarray(o) for o in out])
    return model_bytes, held_inputs, float_outputs
