"""Conv (regular and depthwise, with a following BatchNormalization folded and
Relu/Relu6 fused), MaxPool, AveragePool and the global pools."""
import math

import numpy as np

from . import quant as Q
from .errors import node_error
from .lowering import NHWC, Value
from .ops_common import fold_batch_norm, fuse_activation
from .tflite_builder import S


def _pads(L, node, x, kernel, strides, dilations):
    """ONNX padding as (TFLite padding, explicit [top, left, bottom, right] or None)."""
    size = x.shape[2:4]
    auto = L.attr(node, "auto_pad", "NOTSET")
    pads = list(L.attr(node, "pads", [0, 0, 0, 0]))
    same = []
    for n, k, s, d in zip(size, kernel, strides, dilations):
        total = max((math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
        same.append((total // 2, total - total // 2))
    if auto == "VALID":
        pads = [0, 0, 0, 0]
    elif auto == "SAME_UPPER":
        pads = [same[0][0], same[1][0], same[0][1], same[1][1]]
    elif auto == "SAME_LOWER":
        pads = [same[0][1], same[1][1], same[0][0], same[1][0]]
    if len(pads) != 4:
        raise node_error(node, "pads %s: 2-D windows need 4 values" % pads)
    if not any(pads):
        return S.Padding.VALID, None
    if pads == [same[0][0], same[1][0], same[0][1], same[1][1]]:
        return S.Padding.SAME, None
    return S.Padding.VALID, pads


def _explicit_pad(L, x, pads, value=None):
    """x padded spatially (NHWC) by a PAD (zero point) or a PADV2 (`value`, int8)."""
    t, l, b, r = pads
    shape = [x.shape[0], x.shape[1], x.shape[2] + t + b, x.shape[3] + l + r]
    out = L.tensor("%s/padded" % L._name(x), [shape[p] for p in NHWC], x.quant)
    paddings = L.int32_const("paddings", [[0, 0], [t, b], [l, r], [0, 0]])
    if value is None:
        L.b.op("PAD", [x.tensor, paddings], [out], options=S.PadOptionsT())
    else:
        v = L.b.const("pad_value", np.array([value], np.int8), "int8", **x.quant.kwargs())
        L.b.op("PADV2", [x.tensor, paddings, v], [out], options=S.PadV2OptionsT())
    return Value(out, shape, NHWC, x.quant)


def _check_shape(L, node, name, x, kernel, strides, dilations, padding, channels):
    h, w = x.shape[2:4]
    out = []
    for n, k, s, d in zip((h, w), kernel, strides, dilations):
        eff = (k - 1) * d + 1
        out.append(math.ceil(n / s) if padding == S.Padding.SAME else math.ceil((n - eff + 1) / s))
    expected = (1, channels, out[0], out[1])
    if tuple(L.shapes[name]) != expected:
        raise node_error(node, "output shape %s differs from TFLite's %s for this window "
                         "(ceil_mode or padding TFLite cannot express)" %
                         (list(L.shapes[name]), list(expected)))


def _window_input(L, node, rank_needed=4):
    x = L.act(node.input[0], node)
    if len(x.shape) != rank_needed:
        raise node_error(node, "input has rank %d; only 2-D windows (rank-4 NCHW tensors) are "
                         "supported" % len(x.shape))
    return L.layout(x, NHWC)


def conv(L, i, node):
    x = _window_input(L, node)
    w = np.asarray(L.const(node.input[1], node, "weights"), np.float64)
    out_ch, in_per_group = w.shape[0], w.shape[1]
    bias = np.zeros(out_ch)
    if len(node.input) > 2 and node.input[2]:
        bias = np.asarray(L.const(node.input[2], node, "bias"), np.float64).reshape(-1)
    name, w, bias = fold_batch_norm(L, node.output[0], w, bias)
    act, name = fuse_activation(L, name)
    kernel = tuple(w.shape[2:])
    strides = tuple(L.attr(node, "strides", [1, 1]))
    dilations = tuple(L.attr(node, "dilations", [1, 1]))
    group = L.attr(node, "group", 1)
    channels = x.shape[1]
    padding, pads = _pads(L, node, x, kernel, strides, dilations)
    if pads is not None:
        x = _explicit_pad(L, x, pads)
        padding = S.Padding.VALID
    _check_shape(L, node, name, x, kernel, strides, dilations, padding, out_ch)
    if group == 1:
        op, filt, axis = "CONV_2D", w.transpose(0, 2, 3, 1), 0
        opts = S.Conv2DOptionsT()
    elif group == channels and in_per_group == 1:
        op, filt, axis = "DEPTHWISE_CONV_2D", w.transpose(1, 2, 3, 0), 3
        opts = S.DepthwiseConv2DOptionsT()
        opts.depthMultiplier = out_ch // channels
    else:
        raise node_error(node, "grouped convolution (group=%d, %d input channels): only group=1 "
                         "and depthwise (group = input channels) are supported" % (group, channels))
    opts.padding = padding
    opts.strideH, opts.strideW = strides
    opts.dilationHFactor, opts.dilationWFactor = dilations
    opts.fusedActivationFunction = act
    scales = Q.weight_scales(filt, axis, bias, x.quant.scale)
    wt = L.b.const(name + "/weights", Q.quantize_weights(filt, scales, axis), "int8",
                   scale=list(scales), zero_point=[0] * out_ch, quantized_dimension=axis)
    bt = L.b.const(name + "/bias", Q.quantize_bias(bias, x.quant.scale, scales), "int32",
                   scale=list(x.quant.scale * scales), zero_point=[0] * out_ch)
    y = L.new_value(name, NHWC, L.out_quant(name, node), node)
    L.b.op(op, [x.tensor, wt, bt], [y.tensor], options=opts)


def pool(L, i, node):
    x = _window_input(L, node)
    name = node.output[0]
    is_global = node.op_type.startswith("Global")
    is_max = "Max" in node.op_type
    if is_global:
        kernel, strides, dilations = tuple(x.shape[2:4]), (1, 1), (1, 1)
        padding, pads = S.Padding.VALID, None
    else:
        kernel = tuple(L.attr(node, "kernel_shape"))
        strides = tuple(L.attr(node, "strides", [1, 1]))
        dilations = tuple(L.attr(node, "dilations", [1, 1]))
        if dilations != (1, 1):
            raise node_error(node, "dilations %s: TFLite pools have none" % list(dilations))
        if len(node.output) > 1 and node.output[1]:
            raise node_error(node, "the Indices output is not supported")
        padding, pads = _pads(L, node, x, kernel, strides, dilations)
    if pads is not None:
        if is_max:
            x = _explicit_pad(L, x, pads, value=-128)
        elif L.attr(node, "count_include_pad", 0):
            x = _explicit_pad(L, x, pads)
        else:
            raise node_error(node, "pads %s with count_include_pad=0 that are not TFLite's SAME "
                             "padding" % pads)
        padding = S.Padding.VALID
    elif padding == S.Padding.SAME and not is_max and L.attr(node, "count_include_pad", 0):
        x = _explicit_pad(L, x, list(L.attr(node, "pads")))
        padding = S.Padding.VALID
    _check_shape(L, node, name, x, kernel, strides, dilations, padding, x.shape[1])
    opts = S.Pool2DOptionsT()
    opts.padding = padding
    opts.strideH, opts.strideW = strides
    opts.filterHeight, opts.filterWidth = kernel
    # Pools keep the input's scale: TFLM's int8 pools do not rescale.
    y = L.new_value(name, NHWC, x.quant, node)
    L.b.op("MAX_POOL_2D" if is_max else "AVERAGE_POOL_2D", [x.tensor], [y.tensor], options=opts)
