"""Reads an ONNX model and runs it in float with onnxruntime: every
intermediate tensor's shape (batch 1) and range over the calibration samples."""
import numpy as np

from .data import ModelInput
from .errors import ConvertError


def load(path):
    try:
        import onnx
    except ImportError:
        raise ConvertError("converting ONNX needs the onnx and onnxruntime packages "
                           "(pip install onnx onnxruntime)") from None
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model)
    except Exception as exc:  # noqa: BLE001 - onnx raises many types for a bad file
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ConvertError("%s is not a valid ONNX model: %s" % (path, first)) from None
    if len(model.graph.node) == 0:
        raise ConvertError("%s is not a valid ONNX model: the graph has no nodes" % path)
    return model


def graph_inputs(model):
    """The inputs that are not initializers, batch fixed to 1."""
    init = {t.name for t in model.graph.initializer}
    inputs = []
    for vi in model.graph.input:
        if vi.name in init:
            continue
        dims = vi.type.tensor_type.shape.dim
        shape = []
        for i, d in enumerate(dims):
            if d.HasField("dim_value") and d.dim_value > 0:
                shape.append(d.dim_value if i > 0 else 1)
            elif i == 0:
                shape.append(1)
            else:
                raise ConvertError("input '%s' has a dynamic dimension %d ('%s'); export the model "
                                   "with a fixed input size" % (vi.name, i, d.dim_param))
        if vi.type.tensor_type.elem_type != 1:
            raise ConvertError("input '%s' is not float32; only float models are converted" % vi.name)
        inputs.append(ModelInput(vi.name, shape, channels_last=False))
    return inputs


class FloatRunner:
    """onnxruntime on batch-1 samples, optionally returning every intermediate tensor."""

    def __init__(self, model, all_tensors):
        import onnx
        import onnxruntime as ort
        m = onnx.ModelProto()
        m.CopyFrom(model)
        self.output_names = [o.name for o in model.graph.output]
        if all_tensors:
            known = set(self.output_names)
            for node in m.graph.node:
                for name in node.output:
                    if name and name not in known:
                        m.graph.output.append(onnx.ValueInfoProto(name=name))
                        known.add(name)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        options.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(m.SerializeToString(), options,
                                                providers=["CPUExecutionProvider"])
        except Exception as exc:  # noqa: BLE001
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ConvertError("onnxruntime cannot run the model: %s" % first) from None
        self.names = [o.name for o in self.session.get_outputs()]

    def run(self, feeds):
        try:
            values = self.session.run(None, feeds)
        except Exception as exc:  # noqa: BLE001
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ConvertError("onnxruntime failed on a calibration sample: %s" % first) from None
        return dict(zip(self.names, values))


def calibrate(model, inputs, samples):
    """(shapes, ranges): every tensor's batch-1 shape and float (min, max)."""
    runner = FloatRunner(model, all_tensors=True)
    shapes, ranges = {}, {}
    n = len(next(iter(samples.values())))
    for i in range(n):
        feeds = {inp.name: samples[inp.name][i: i + 1] for inp in inputs}
        values = dict(runner.run(feeds))
        values.update(feeds)
        for name, v in values.items():
            v = np.asarray(v)
            shapes[name] = tuple(v.shape)
            if v.dtype.kind != "f" or v.size == 0:
                continue
            lo, hi = float(v.min()), float(v.max())
            old = ranges.get(name)
            ranges[name] = (lo, hi) if old is None else (min(old[0], lo), max(old[1], hi))
    return shapes, ranges


def float_outputs(model, inputs, samples):
    """The model's outputs on each sample: a list (per sample) of lists of arrays."""
    runner = FloatRunner(model, all_tensors=False)
    n = len(next(iter(samples.values())))
    out = []
    for i in range(n):
        values = runner.run({inp.name: samples[inp.name][i: i + 1] for inp in inputs})
        out.append([np.asarray(values[name]) for name in runner.output_names])
    return out
