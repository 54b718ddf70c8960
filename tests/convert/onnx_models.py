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
    """Input normalization (Sub, Div by constants), Conv+BN+Relu, depthwise
    Conv+Relu6 (Clip), MaxPool, Conv (SAME), AveragePool, Flatten of a 4x4x8
    map, Gemm+Relu, Gemm, Softmax."""
    g = Graph(seed)
    x = "image"
    y = g.node("Div", [g.node("Sub", [x, g.const(np.float32(0.5))]), g.const(np.float32(0.25))])
    y = g.node("Relu", [g.bn(g.conv(y, 1, 8, pads=[1, 1, 1, 1]), 8)])
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


def branches(seed=1):
    """Two branches (Conv+LeakyRelu, Conv+Sigmoid) joined by Concat; Add of a
    per-channel constant, Mul of two activations, HardSwish, nearest Resize,
    Pad, a Conv with asymmetric explicit pads, linear Resize, a Transpose pair
    that folds away, GlobalAveragePool, Reshape to a shape computed by
    Shape/Gather/Unsqueeze/Concat, MatMul."""
    g = Graph(seed)
    x = "x"
    y = g.conv(x, 3, 6, pads=[1, 1, 1, 1])
    a = g.node("LeakyRelu", [g.conv(y, 6, 4, k=1)], alpha=0.1)
    b = g.node("Sigmoid", [g.conv(y, 6, 4, k=1)])
    y = g.node("Concat", [a, b], axis=1)
    y = g.node("Add", [y, g.const(g.rng.normal(0, 0.5, (8, 1, 1)).astype(np.float32))])
    y = g.node("Mul", [y, g.node("Relu", [y])])
    y = g.node("HardSwish", [y])
    y = g.node("Resize", [y, "", g.const(np.array([1, 1, 2, 2], np.float32))], mode="nearest",
               coordinate_transformation_mode="asymmetric", nearest_mode="floor")
    y = g.node("Pad", [y, g.const(np.array([0, 0, 1, 0, 0, 0, 0, 1], np.int64))])
    y = g.conv(y, 8, 8, pads=[0, 2, 1, 0], strides=[2, 2])
    y = g.node("Resize", [y, "", g.const(np.array([1, 1, 2, 2], np.float32))], mode="linear",
               coordinate_transformation_mode="half_pixel")
    y = g.node("Transpose", [y], perm=[0, 2, 3, 1])
    y = g.node("Transpose", [y], perm=[0, 3, 1, 2])
    y = g.node("GlobalAveragePool", [y])
    # x.view(x.size(0), -1) as torch.onnx.export writes it: folded to a constant shape.
    batch = g.node("Gather", [g.node("Shape", [y]), g.const(np.array(0, np.int64))], axis=0)
    shape = g.node("Concat", [g.node("Unsqueeze", [batch, g.const(np.array([0], np.int64))]),
                              g.const(np.array([-1], np.int64))], axis=0)
    y = g.node("Reshape", [y, shape])
    y = g.node("MatMul", [y, g.weights(8, 5)])
    return g.model([(x, [1, 3, 12, 12])], [(y, [1, 5])])


def windows(seed=2):
    """Depthwise with multiplier 2, stride 2, dilation 2; a Clip that is no
    Relu (-> MAXIMUM/MINIMUM); MaxPool with asymmetric pads; AveragePool with
    count_include_pad; Relu6 as Clip after an Add; a channels-last Transpose
    then Flatten (no TRANSPOSE written); Gemm with transB=0, alpha, beta."""
    g = Graph(seed)
    x = "x"
    y = g.conv(x, 4, 8, group=4, pads=[2, 2, 2, 2], strides=[2, 2], dilations=[2, 2])
    y = g.node("Clip", [y, g.const(np.float32(-0.5)), g.const(np.float32(0.7))])
    y = g.node("MaxPool", [y], kernel_shape=[3, 3], pads=[0, 0, 2, 2], strides=[1, 1])
    y = g.node("AveragePool", [y], kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1)
    y = g.node("Clip", [g.node("Add", [y, y]), g.const(np.float32(0)), g.const(np.float32(6))])
    y = g.node("Transpose", [y], perm=[0, 2, 3, 1])
    y = g.node("Flatten", [y], axis=1)
    y = g.node("Gemm", [y, g.weights(8 * 8 * 8, 6), g.const(g.rng.normal(0, 1, 6).astype(np.float32))],
               alpha=0.5, beta=2.0)
    return g.model([(x, [1, 4, 16, 16])], [(y, [1, 6])])


def two_inputs(seed=3):
    """Two inputs and two outputs: a sequence MatMul ([1, T, K] x [K, N]),
    Add and Sub of activations with broadcasting, Softmax over the last axis,
    Unsqueeze/Squeeze, a 4-D output (NCHW, written back from NHWC)."""
    g = Graph(seed)
    a, b = "seq", "bias"
    y = g.node("MatMul", [a, g.weights(6, 4)])
    y = g.node("Add", [y, b])
    y = g.node("Sub", [y, g.node("Sigmoid", [b])])
    s = g.node("Softmax", [y], axis=-1)
    z = g.node("Unsqueeze", [y, g.const(np.array([1], np.int64))])
    z = g.node("Relu", [g.conv(z, 1, 3, pads=[1, 1, 1, 1])])
    return g.model([(a, [1, 5, 6]), (b, [1, 4])], [(s, [1, 5, 4]), (z, [1, 3, 5, 4])])


def trained_classifier(seed=4):
    """(model, samples): an MLP trained here (plain gradient descent) on four
    Gaussian blobs of 16 features; returns held-out-style samples too."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 1.5, (4, 16))
    labels = rng.integers(0, 4, 600)
    feats = (centers[labels] + rng.normal(0, 1.0, (600, 16))).astype(np.float32)
    w1, b1 = rng.normal(0, 0.25, (16, 24)), np.zeros(24)
    w2, b2 = rng.normal(0, 0.2, (24, 4)), np.zeros(4)
    onehot = np.eye(4)[labels]
    for _ in range(300):
        h = np.maximum(feats @ w1 + b1, 0)
        logits = h @ w2 + b2
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        d2 = (p - onehot) / len(feats)
        d1 = (d2 @ w2.T) * (h > 0)
        w2 -= 0.5 * h.T @ d2
        b2 -= 0.5 * d2.sum(0)
        w1 -= 0.5 * feats.T @ d1
        b1 -= 0.5 * d1.sum(0)
    g = Graph(seed)
    y = g.node("Relu", [g.node("Gemm", [g.node("MatMul", ["features", g.const(w1.astype(np.float32))]),
                                        g.const(np.eye(24, dtype=np.float32)), g.const(b1.astype(np.float32))])])
    y = g.node("Softmax", [g.node("Gemm", [y, g.const(w2.astype(np.float32)), g.const(b2.astype(np.float32))])])
    accuracy = float(np.mean((np.maximum(feats @ w1 + b1, 0) @ w2 + b2).argmax(1) == labels))
    return g.model([("features", [1, 16])], [(y, [1, 4])]), feats, accuracy


def sensor_1d(seed=5):
    """1-D windows over a 3-axis time series: Conv (k5, pads)+BN+Relu, MaxPool,
    depthwise Conv, AveragePool (SAME_UPPER), strided Conv, GlobalAveragePool,
    Flatten, Gemm, Softmax."""
    g = Graph(seed)
    x = "motion"
    y = g.node("Conv", [x, g.weights(8, 3, 5), g.const(np.zeros(8, np.float32))], kernel_shape=[5], pads=[2, 2])
    y = g.node("Relu", [g.bn(y, 8)])
    y = g.node("MaxPool", [y], kernel_shape=[2], strides=[2])
    y = g.node("Conv", [y, g.weights(8, 1, 3)], kernel_shape=[3], group=8, pads=[1, 1])
    y = g.node("AveragePool", [y], kernel_shape=[3], auto_pad="SAME_UPPER")
    y = g.node("Conv", [y, g.weights(12, 8, 3)], kernel_shape=[3], strides=[2])
    y = g.node("GlobalAveragePool", [y])
    y = g.node("Flatten", [y])
    y = g.node("Softmax", [g.node("Gemm", [y, g.weights(4, 12)], transB=1)])
    return g.model([(x, [1, 3, 32])], [(y, [1, 4])])
