"""What several operator lowerings share: folding a BatchNormalization into
the weights before it, fusing a following Relu/Relu6 into the operator."""
import numpy as np

from .errors import node_error
from .tflite_builder import S


def clip_bounds(L, node):
    """(min, max) of a Clip node (None where unbounded)."""
    if L.opset < 11:
        return L.attr(node, "min", None), L.attr(node, "max", None)
    bounds = []
    for k in (1, 2):
        if len(node.input) > k and node.input[k]:
            bounds.append(float(np.asarray(L.const(node.input[k], node, "bound")).reshape(-1)[0]))
        else:
            bounds.append(None)
    return tuple(bounds)


def activation_code(L, node):
    """The TFLite fused activation a Relu/Clip node equals, or None."""
    if node.op_type == "Relu":
        return S.ActivationFunctionType.RELU
    if node.op_type == "Clip":
        lo, hi = clip_bounds(L, node)
        if lo == 0.0 and hi is None:
            return S.ActivationFunctionType.RELU
        if lo == 0.0 and hi == 6.0:
            return S.ActivationFunctionType.RELU6
    return None


def fuse_activation(L, name):
    """(fused activation, output name): a Relu/Relu6 that alone reads `name`
    becomes the producer's fused activation, and its output the producer's."""
    j = L.sole_consumer(name)
    if j is not None:
        code = activation_code(L, L.nodes[j])
        if code is not None:
            L.skip.add(j)
            return code, L.nodes[j].output[0]
    return S.ActivationFunctionType.NONE, name


def fold_batch_norm(L, name, w, bias):
    """(output name, weights, bias) with a BatchNormalization that alone reads
    `name` folded in (weights have output channels on axis 0)."""
    j = L.sole_consumer(name)
    if j is None or L.nodes[j].op_type != "BatchNormalization":
        return name, w, bias
    bn = L.nodes[j]
    gamma, beta, mean, var = (np.asarray(L.const(n, bn, "parameter"), np.float64) for n in bn.input[1:5])
    scale = gamma / np.sqrt(var + L.attr(bn, "epsilon", 1e-5))
    if scale.size != w.shape[0]:
        raise node_error(bn, "%d channels after a producer with %d" % (scale.size, w.shape[0]))
    L.skip.add(j)
    w = w * scale.reshape((-1,) + (1,) * (w.ndim - 1))
    return bn.output[0], w, (bias - mean) * scale + beta
