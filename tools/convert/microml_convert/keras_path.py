"""Keras (.keras, .h5) and SavedModel models, through TensorFlow's own
converter with full-integer quantization. TensorFlow is optional: without it
these models are refused with the install command."""
import contextlib
import os
import sys

import numpy as np

from . import data
from .errors import ConvertError
from .tflite_builder import S


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


def _load(tf, path):
    """(float model: {input name: array} -> {output name: array}, [(input name,
    shape)], converter). The names are those of the serving signature, which
    TensorFlow's converter writes into the .tflite; a Keras model's list
    outputs are "output_0", "output_1", ... there."""
    if os.path.isdir(path):
        signature = tf.saved_model.load(path).signatures["serving_default"]
        specs = [(name, spec.shape) for name, spec in signature.structured_input_signature[1].items()]
        return ((lambda feed: signature(**{k: tf.constant(v) for k, v in feed.items()})), specs,
                tf.lite.TFLiteConverter.from_saved_model(path))
    model = tf.keras.models.load_model(path, compile=False)

    def run(feed):
        out = model(feed if len(feed) > 1 else next(iter(feed.values())))
        if isinstance(out, dict):
            return out
        return {"output_%d" % k: o for k, o in enumerate(out if isinstance(out, (list, tuple)) else [out])}

    return run, [(t.name, t.shape) for t in model.inputs], tf.lite.TFLiteConverter.from_keras_model(model)


def _subgraph_order(model_bytes, kind, names):
    """`names` (the signature's input or output names) in the order of the
    converted subgraph's inputs or outputs, which TensorFlow's converter
    chooses (neither the Keras order nor sorted)."""
    if len(names) == 1:
        return list(names)
    model = S.Model.GetRootAs(model_bytes, 0)
    subgraph = model.Subgraphs(0)
    by_tensor = {}
    if model.SignatureDefsLength() == 1:
        sig = model.SignatureDefs(0)
        for i in range(getattr(sig, kind + "Length")()):
            entry = getattr(sig, kind)(i)
            by_tensor[entry.TensorIndex()] = entry.Name().decode()
    order = [by_tensor.get(getattr(subgraph, kind)(j)) for j in range(getattr(subgraph, kind + "Length")())]
    if sorted(order, key=str) != sorted(names):
        raise ConvertError("the converted model's signature %s %s do not match the model's %s" %
                           (kind.lower(), order, sorted(names)))
    return order


def _convert(path, calibration, io_dtype):
    tf = _tensorflow(path)
    try:
        run, specs, converter = _load(tf, path)
    except (OSError, ValueError, ImportError, KeyError) as exc:
        raise ConvertError("TensorFlow cannot load %s: %s" % (path, str(exc).splitlines()[0])) from None
    inputs = [data.ModelInput(name, [1] + [int(d) for d in shape[1:]], channels_last=True) for name, shape in specs]
    calib, held = data.split(data.load_samples(calibration, inputs))
    n_calib = len(calib[inputs[0].name])

    def representative():
        for i in range(n_calib):
            yield {inp.name: calib[inp.name][i:i + 1] for inp in inputs}

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
    input_order = _subgraph_order(model_bytes, "Inputs", [inp.name for inp in inputs])
    n_held = len(held[inputs[0].name])
    held_feeds = [{name: held[name][i:i + 1] for name in input_order} for i in range(n_held)]
    float_outputs, output_order = [], None
    for feed in held_feeds:
        out = run(feed)
        output_order = output_order or _subgraph_order(model_bytes, "Outputs", list(out))
        float_outputs.append([np.asarray(out[name]) for name in output_order])
    return model_bytes, [list(feed.values()) for feed in held_feeds], float_outputs
