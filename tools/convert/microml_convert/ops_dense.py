"""Gemm and MatMul with constant weights -> FULLY_CONNECTED (per-tensor
symmetric weights, as TFLM's int8 kernel expects)."""
import numpy as np

from . import quant as Q
from .errors import node_error
from .lowering import identity
from .ops_common import fold_batch_norm, fuse_activation
from .tflite_builder import S


def _weights(L, node):
    """(weights [N, K], bias [N]) in float."""
    b = np.asarray(L.const(node.input[1], node, "weights"), np.float64)
    if node.op_type == "MatMul":
        if b.ndim != 2:
            raise node_error(node, "weights of rank %d: only 2-D constant weights are supported" % b.ndim)
        return b.T, np.zeros(b.shape[1])
    if L.attr(node, "transA", 0):
        raise node_error(node, "transA=1 is not supported")
    w = b if L.attr(node, "transB", 0) else b.T
    w = w * L.attr(node, "alpha", 1.0)
    bias = np.zeros(w.shape[0])
    if len(node.input) > 2 and node.input[2]:
        c = np.asarray(L.const(node.input[2], node, "bias"), np.float64) * L.attr(node, "beta", 1.0)
        if c.size not in (1, w.shape[0]):
            raise node_error(node, "bias of shape %s for %d outputs" % (list(c.shape), w.shape[0]))
        bias = np.broadcast_to(c.reshape(-1), (w.shape[0],)).copy()
    return w, bias


def dense(L, i, node):
    x = L.act(node.input[0], node)
    w, bias = _weights(L, node)
    if x.shape[-1] != w.shape[1]:
        raise node_error(node, "input has %d features, weights %d" % (x.shape[-1], w.shape[1]))
    name, w, bias = fold_batch_norm(L, node.output[0], w, bias)
    act, name = fuse_activation(L, name)
    if x.order is not None:
        w = w[:, x.order]
    else:
        x = L.layout(x, identity(len(x.shape)))
    scale = Q.weight_scales(w, None, bias, x.quant.scale)
    wt = L.b.const(name + "/weights", Q.quantize_weights(w, scale, None), "int8",
                   scale=float(scale[0]), zero_point=0)
    bt = L.b.const(name + "/bias", Q.quantize_bias(bias, x.quant.scale, scale), "int32",
                   scale=float(x.quant.scale * scale[0]), zero_point=0)
    opts = S.FullyConnectedOptionsT()
    opts.fusedActivationFunction = act
    opts.keepNumDims = len(x.shape) > 2
    y = L.new_value(name, identity(len(L.shapes[name])), L.out_quant(name, node), node)
    L.b.op("FULLY_CONNECTED", [x.tensor, wt, bt], [y.tensor], options=opts)
