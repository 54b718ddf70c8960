"""Small ONNX models built with onnx.helper (no torch): each covers some of the
operators `microml convert` supports. Weights are seeded random numbers."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


class Graph:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits = [], []
        self.count = 0

    def name(self, prefix):
        self.count += 1
        return "%s%d" % (prefix, self.count)

    def const(self, array, prefix="c"):
        name = self.name(prefix)
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weights(self, *shape, scale=None):
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        scale = scale or 1.0 / np.sqrt(fan_in)
        return self.const(self.rng.normal(0, scale, shape).astype(np.float32), "w")

    def node(self, op, inputs, n_out=1, **attrs):
        outs = [self.name(op.lower()) for _ in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=self.name(op + "_"), **attrs))
        return outs[0] if n_out == 1 else outs

    def conv(self, x, c_in, c_out, k=3, group=1, bias=True, **attrs):
        w = self.weights(c_out, c_in // group, k, k)
        ins = [x, w] + ([self.const(self.rng.normal(0, 0.1, c_out).astype(np.float32), "b")] if bias else [])
        return self.node("Conv", ins, kernel_shape=[k, k], group=group, **attrs)

    def bn(self, x, c):
        r = self.rng
        params = [r.uniform(0.5, 1.5, c), r.normal(0, 0.1, c), r.normal(0, 0.1, c), r.uniform(0.5, 2, c)]
        return self.node("BatchNormalization", [x] + [self.const(p.astype(np.float32), "bn") for p in params])

    def model(self, inputs, outputs):
        """inputs/outputs: lists of (name, shape)."""
        g = helper.make_graph(
            self.nodes, "microml_convert_test",
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in outputs],
            self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)])
        m.ir_version = 8
        onnx.checker.check_model(m)
        return m


def cnn_classifier(seed=0):
    """Conv+BN+Relu, depthwise Conv+Relu6 (Clip), MaxPool, Conv (SAME), AveragePool,
    Flatten of a 4x4x8 map, Gemm+Relu, Gemm, Softmax."""
    g = Graph(seed)
    x = "image"
    y = g.node("Relu", [g.bn(g.conv(x, 1, 8, pads=[1, 1, 1, 1]), 8)])
    y = g.conv(y, 8, 8, group=8, pads=[1, 1, 1, 1], strides=[1, 1])
    y = g.node("Clip", [y, g.const(np.float32(0)), g.const(np.float32(6))])
    y = g.node("MaxPool", [y], kernel_shape=[2, 2], strides=[2, 2])
    y = g.node("Relu", [g.conv(y, 8, 8, auto_pad="SAME_UPPER")])
    y = g.node("AveragePool", [y], kernel_shape=[2, 2], strides=[2, 2])
    y = g.node("Flatten", [y], axis=1)
    y = g.node("Relu", [g.node("Gemm", [y, g.weights(32, 128), g.const(np.zeros(32, np.float32))], transB=1)])
    y = g.node("Gemm", [y, g.weights(32, 10), g.const(np.zeros(10, np.float32))])
    y = g.node("Softmax", [y], axis=1)
    return g.model([(x, [1, 1, 16, 16])], [(y, [1, 10])])
