"""Operators that move data without computing: Reshape/Flatten/Squeeze/
Unsqueeze, Transpose (a layout change only), Concat, Pad, Identity/Dropout.
They keep the input's scale, as TFLM's int8 kernels copy bytes."""
import numpy as np

from . import quant as Q
from .errors import node_error
from .lowering import NHWC, Value, identity
from .tflite_builder import S

DENSE = ("Gemm", "MatMul")


def _only_dense_consumers(L, name):
    users = L.consumers.get(name, [])
    return (users and name not in L.graph_outputs and
            all(L.nodes[j].op_type in DENSE and L.nodes[j].input[0] == name and
                L.nodes[j].input[1] in L.consts for j in users))


def reshape(L, i, node):
    x = L.act(node.input[0], node)
    name = node.output[0]
    shape = L.shapes[name]
    order = None
    if len(x.shape) == 4 and x.perm == NHWC and len(shape) == 2 and shape[0] == 1:
        n, c, h, w = x.shape
        order = np.arange(c * h * w).reshape(c, h, w).transpose(1, 2, 0).reshape(-1)
        if np.array_equal(order, np.arange(order.size)):
            order = None
        elif not _only_dense_consumers(L, name):
            order = None
            x = L.layout(x, identity(4))
    else:
        x = L.layout(x, identity(len(x.shape)))
    out = L.tensor(name, shape, x.quant)
    L.reshape_op(x.tensor, out, shape)
    L.values[name] = Value(out, shape, identity(len(shape)), x.quant, order)


def transpose(L, i, node):
    x = L.act(node.input[0], node)
    p = L.attr(node, "perm", list(reversed(range(len(x.shape)))))
    if x.order is not None:
        raise node_error(node, "internal: transpose of a permuted flatten")
    perm = [int(k) for k in np.argsort(p)[list(x.perm)]]
    L.values[node.output[0]] = Value(x.tensor, [x.shape[k] for k in p], perm, x.quant)


def alias(L, i, node):
    L.values[node.output[0]] = L.act(node.input[0], node)


def concat(L, i, node):
    name = node.output[0]
    rank = len(L.shapes[name])
    axis = L.attr(node, "axis") % rank
    quant = L.out_quant(name, node)
    first = next((L.values[n] for n in node.input if n in L.values), None)
    if first is None:
        raise node_error(node, "no activation input")
    perm = first.perm
    parts = []
    for n in node.input:
        if n in L.consts:
            parts.append(L.const_value(L.consts[n], quant, perm, name + "/const"))
        else:
            parts.append(L.requantize(L.layout(L.act(n, node), perm), quant))
    opts = S.ConcatenationOptionsT()
    opts.axis = perm.index(axis)
    y = L.new_value(name, perm, quant, node)
    L.b.op("CONCATENATION", [p.tensor for p in parts], [y.tensor], options=opts)


def pad(L, i, node):
    x = L.act(node.input[0], node)
    rank = len(x.shape)
    mode = L.attr(node, "mode", "constant")
    if mode != "constant":
        raise node_error(node, "mode '%s': only constant padding is supported" % mode)
    if L.opset < 11:
        pads, value = L.attr(node, "pads"), L.attr(node, "value", 0.0)
    else:
        pads = np.asarray(L.const(node.input[1], node, "pads")).reshape(-1)
        value = 0.0
        if len(node.input) > 2 and node.input[2]:
            value = float(np.asarray(L.const(node.input[2], node, "value")).reshape(-1)[0])
        if len(node.input) > 3 and node.input[3]:
            raise node_error(node, "the axes input is not supported")
    pads = [int(p) for p in pads]
    if len(pads) != 2 * rank or min(pads) < 0:
        raise node_error(node, "pads %s for a rank-%d input (non-negative, 2 per axis)" % (pads, rank))
    stored = [[pads[p], pads[p + rank]] for p in x.perm]
    paddings = L.int32_const("paddings", stored)
    y = L.new_value(node.output[0], x.perm, x.quant, node)
    if value == 0.0:
        L.b.op("PAD", [x.tensor, paddings], [y.tensor], options=S.PadOptionsT())
    else:
        v = L.b.const("pad_value", Q.quantize([value], x.quant), "int8", **x.quant.kwargs())
        L.b.op("PADV2", [x.tensor, paddings, v], [y.tensor], options=S.PadV2OptionsT())
