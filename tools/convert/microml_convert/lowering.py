"""The state of an ONNX -> int8 TFLite conversion: values, layouts, quantization.

Each ONNX tensor becomes a Value: a TFLite tensor holding the ONNX (logical)
tensor transposed by `perm` (stored = logical.transpose(perm)). 4-D
activations are stored NHWC; an ONNX Transpose only changes `perm`, and a
TRANSPOSE operator is written only where an operator needs another layout.
"""
import numpy as np
from onnx import helper, numpy_helper

from . import quant as Q
from .errors import ConvertError, node_error
from .tflite_builder import ModelBuilder, S

NHWC = (0, 2, 3, 1)


# The versions TensorFlow's converter writes for these int8 operators (read
# from its output); TFLM ignores them, desktop TFLite and other tools check them.
INT8_VERSIONS = {
    "CONV_2D": 3, "DEPTHWISE_CONV_2D": 3, "FULLY_CONNECTED": 4, "CONCATENATION": 2,
    "MAX_POOL_2D": 2, "AVERAGE_POOL_2D": 2, "PAD": 2, "PADV2": 2, "LOGISTIC": 2, "MUL": 2,
    "ADD": 2, "SUB": 2, "MINIMUM": 2, "MAXIMUM": 2, "TRANSPOSE": 2, "SOFTMAX": 2, "RELU": 2,
    "RELU6": 2, "RESIZE_BILINEAR": 2, "RESIZE_NEAREST_NEIGHBOR": 2,
}


class _Builder(ModelBuilder):
    def op(self, name, inputs, outputs, *, options=None, **kwargs):
        version = INT8_VERSIONS.get(name, 1)
        if getattr(options, "halfPixelCenters", False):
            version = 3
        super().op(name, inputs, outputs, options=options, version=version, **kwargs)


def identity(rank):
    return tuple(range(rank))


class Value:
    """`order`, when set, marks a [1, K] flatten of an NHWC tensor: stored
    element j is logical element order[j] (only FULLY_CONNECTED reads it, with
    its weight columns permuted to match)."""

    def __init__(self, tensor, shape, perm, quant, order=None):
        self.tensor = tensor
        self.shape = tuple(int(d) for d in shape)
        self.perm = tuple(perm)
        self.quant = quant
        self.order = order

    @property
    def stored_shape(self):
        return [self.shape[p] for p in self.perm]


class Lowering:
    def __init__(self, model, shapes, ranges):
        self.graph = model.graph
        self.nodes = list(model.graph.node)
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 13)
        self.shapes, self.ranges = shapes, ranges
        self.b = _Builder("microml convert (from ONNX)")
        self.values = {}
        self.consts = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
        self.consumers = {}
        for i, node in enumerate(self.nodes):
            for name in node.input:
                if name:
                    self.consumers.setdefault(name, []).append(i)
        self.graph_outputs = [o.name for o in model.graph.output]
        self.skip = set()
        self._layout_cache = {}
        # NLC tensor -> its N1LC twin, so 1-D windows in a row share one tensor.
        self.as_2d = {}

    # ------------------------------------------------------------ tensors
    def tensor(self, name, shape, quant, dtype="int8"):
        return self.b.tensor(name, shape, dtype, **quant.kwargs())

    def int32_const(self, name, values):
        return self.b.const(name, np.asarray(values, np.int32))

    def out_quant(self, name, node):
        if name not in self.ranges:
            raise node_error(node, "output '%s' is not a float tensor" % name)
        return Q.activation_quant(*self.ranges[name])

    def new_value(self, name, perm, quant, node):
        shape = self.shapes[name]
        if len(perm) != len(shape):
            raise node_error(node, "output '%s' has rank %d, expected %d" % (name, len(shape), len(perm)))
        v = Value(self.tensor(name, [shape[p] for p in perm], quant), shape, perm, quant)
        self.values[name] = v
        return v

    def act(self, name, node):
        """The activation Value of ONNX tensor `name` (an input of `node`)."""
        if name in self.values:
            return self.values[name]
        if name in self.consts:
            raise node_error(node, "input '%s' is a constant where microml convert needs an activation" % name)
        raise node_error(node, "input '%s' is not produced by a converted node" % name)

    def const(self, name, node, what="input"):
        if name not in self.consts:
            raise node_error(node, "%s '%s' must be a constant (an initializer)" % (what, name))
        return self.consts[name]

    def const_value(self, array, quant, perm, name):
        """A constant operand stored in layout `perm`, quantized with `quant`."""
        logical = np.asarray(array, np.float64)
        t = self.b.const(name, Q.quantize(logical.transpose(perm), quant), "int8", **quant.kwargs())
        return Value(t, logical.shape, perm, quant)

    # ------------------------------------------------------------ layout and scale
    def layout(self, v, perm):
        """`v` stored in layout `perm` (a TRANSPOSE when it is not already)."""
        perm = tuple(perm)
        if v.order is not None:
            raise ConvertError("internal: a permuted flatten reached a layout change")
        if v.perm == perm:
            return v
        key = (v.tensor, perm)
        if key not in self._layout_cache:
            inv = np.argsort(v.perm)
            q = [int(inv[p]) for p in perm]
            shape = [v.shape[p] for p in perm]
            out = self.tensor("%s/transposed" % self.name_of(v), shape, v.quant)
            moved = [a for a in q if v.stored_shape[a] != 1]
            if moved == sorted(moved):
                # Only axes of size 1 move: the bytes keep their order.
                self.reshape_op(v.tensor, out, shape)
            else:
                self.b.op("TRANSPOSE", [v.tensor, self.int32_const("perm", q)], [out],
                          options=S.TransposeOptionsT())
            self._layout_cache[key] = Value(out, v.shape, perm, v.quant)
        return self._layout_cache[key]

    def with_rank(self, v, rank):
        """`v` with leading 1s up to `rank` (ONNX broadcasting aligns trailing axes)."""
        if len(v.shape) >= rank:
            return v
        v = self.layout(v, identity(len(v.shape)))
        shape = (1,) * (rank - len(v.shape)) + v.shape
        out = self.tensor("%s/expanded" % self.name_of(v), shape, v.quant)
        self.reshape_op(v.tensor, out, shape)
        return Value(out, shape, identity(rank), v.quant)

    def requantize(self, v, quant):
        if v.quant == quant:
            return v
        out = self.tensor("%s/requantized" % self.name_of(v), v.stored_shape, quant)
        self.b.op("QUANTIZE", [v.tensor], [out])
        return Value(out, v.shape, v.perm, quant)

    def reshape_op(self, src, dst, shape):
        opts = S.ReshapeOptionsT()
        opts.newShape = [int(d) for d in shape]
        self.b.op("RESHAPE", [src, self.int32_const("shape", shape)], [dst], options=opts)

    def name_of(self, v):
        return self.b.tensor_name(v.tensor)

    # ------------------------------------------------------------ graph walking
    def attr(self, node, name, default=None):
        for a in node.attribute:
            if a.name == name:
                value = helper.get_attribute_value(a)
                return value.decode() if isinstance(value, bytes) else value
        return default

    def sole_consumer(self, name):
        """The index of the one node reading `name`, when nothing else does."""
        users = self.consumers.get(name, [])
        if name in self.graph_outputs or len(users) != 1:
            return None
        return users[0]

    def fold_constant(self, node):
        """Evaluates `node` when all its inputs are known: constants, or Shape of a
        tensor whose shape is static. True when it was folded."""
        if node.op_type == "Shape" and node.input[0] in self.shapes:
            shape = np.array(self.shapes[node.input[0]], np.int64)
            start, end = self.attr(node, "start", 0), self.attr(node, "end", None)
            self.consts[node.output[0]] = shape[start:end]
            return True
        inputs = [n for n in node.input if n]
        if not all(n in self.consts for n in inputs) or node.op_type in ("RandomNormal", "RandomUniform"):
            return False
        from onnx.reference import ReferenceEvaluator
        try:
            results = ReferenceEvaluator(node, opsets={"": self.opset}).run(
                None, {n: self.consts[n] for n in inputs})
        except Exception as exc:  # noqa: BLE001 - the reference evaluator raises many types
            raise node_error(node, "cannot evaluate this constant expression: %s" % exc) from None
        for name, value in zip(node.output, results):
            self.consts[name] = np.asarray(value)
        return True
