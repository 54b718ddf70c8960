"""Add, Sub, Mul and division by a constant (with broadcasting and constant
operands), the activations (Relu, Relu6/Clip, LeakyRelu, Sigmoid, HardSwish)
and Softmax."""
import numpy as np

from . import quant as Q
from .errors import node_error
from .lowering import identity
from .ops_common import activation_code, clip_bounds, fuse_activation
from .tflite_builder import S


def binary(L, i, node):
    op = {"Add": "ADD", "Sub": "SUB", "Mul": "MUL", "Div": "MUL"}[node.op_type]
    if node.op_type == "Div":
        if node.input[1] not in L.consts:
            raise node_error(node, "division by an activation is not supported (by a constant is)")
        divisor = np.asarray(L.consts[node.input[1]], np.float64)
        if not np.all(divisor != 0):
            raise node_error(node, "division by a constant that holds 0")
        inputs = [node.input[0], node.input[1] + "/reciprocal"]
        L.consts[inputs[1]] = 1.0 / divisor
    else:
        inputs = list(node.input)
    act, name = fuse_activation(L, node.output[0])
    rank = len(L.shapes[name])
    acts = {n: L.with_rank(L.act(n, node), rank) for n in inputs if n not in L.consts}
    perms = set(v.perm for v in acts.values())
    perm = perms.pop() if len(perms) == 1 else identity(rank)
    operands = []
    for n in inputs:
        if n in acts:
            operands.append(L.layout(acts[n], perm))
        else:
            c = np.asarray(L.consts[n], np.float64)
            c = c.reshape((1,) * (rank - c.ndim) + c.shape)
            operands.append(L.const_value(c, Q.activation_quant(c.min(), c.max()), perm, n))
    opts = {"ADD": S.AddOptionsT, "SUB": S.SubOptionsT, "MUL": S.MulOptionsT}[op]()
    opts.fusedActivationFunction = act
    y = L.new_value(name, perm, L.out_quant(name, node), node)
    L.b.op(op, [v.tensor for v in operands], [y.tensor], options=opts)


def _unary(L, node, op, quant=None, options=None, inputs=()):
    x = L.act(node.input[0], node)
    name = node.output[0]
    y = L.new_value(name, x.perm, quant or L.out_quant(name, node), node)
    L.b.op(op, [x.tensor, *inputs], [y.tensor], options=options)


def relu(L, i, node):
    _unary(L, node, "RELU")


def clip(L, i, node):
    code = activation_code(L, node)
    if code == S.ActivationFunctionType.RELU:
        return _unary(L, node, "RELU")
    if code == S.ActivationFunctionType.RELU6:
        return _unary(L, node, "RELU6")
    # Any other bounds: MAXIMUM/MINIMUM with the bound in the input's scale
    # (TFLM's int8 MAXIMUM/MINIMUM compare bytes, so the scales must match).
    x = L.act(node.input[0], node)
    lo, hi = clip_bounds(L, node)
    name = node.output[0]
    steps = [(bound, op) for bound, op in ((lo, "MAXIMUM"), (hi, "MINIMUM")) if bound is not None]
    if not steps:
        L.values[name] = x
        return
    src = x.tensor
    for k, (bound, op) in enumerate(steps):
        c = L.b.const(name + "/bound", Q.quantize([bound], x.quant), "int8", **x.quant.kwargs())
        if k == len(steps) - 1:
            out = L.new_value(name, x.perm, x.quant, node).tensor
        else:
            out = L.tensor(name + "/lower", x.stored_shape, x.quant)
        L.b.op(op, [src, c], [out], options=S.MaximumMinimumOptionsT())
        src = out


def leaky_relu(L, i, node):
    opts = S.LeakyReluOptionsT()
    opts.alpha = L.attr(node, "alpha", 0.01)
    _unary(L, node, "LEAKY_RELU", options=opts)


def sigmoid(L, i, node):
    _unary(L, node, "LOGISTIC", quant=Q.UNIT_OUTPUT)


def hard_swish(L, i, node):
    _unary(L, node, "HARD_SWISH")


def softmax(L, i, node):
    x = L.act(node.input[0], node)
    rank = len(x.shape)
    axis = L.attr(node, "axis", -1 if L.opset >= 13 else 1) % rank
    if L.opset < 13 and axis != rank - 1:
        raise node_error(node, "axis %d before opset 13 flattens the input; only the last axis is "
                         "supported" % axis)
    if x.perm[-1] != axis:
        x = L.layout(x, [a for a in range(rank) if a != axis] + [axis])
    opts = S.SoftmaxOptionsT()
    opts.beta = 1.0
    y = L.new_value(node.output[0], x.perm, Q.UNIT_OUTPUT, node)
    L.b.op("SOFTMAX", [x.tensor], [y.tensor], options=opts)
