"""Conv (regular and depthwise, 1-D and 2-D, with a following
BatchNormalization folded and Relu/Relu6 fused), MaxPool, AveragePool and
the global pools."""
import math

import numpy as np

from . import quant as Q
from .errors import node_error
from .lowering import NHWC, Value
from .ops_common import fold_batch_norm, fuse_activation
from .tflite_builder import S

WINDOWS = ("Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool")


class _Window:
    """A Conv/pool node's input and window in 2-D: a 1-D window over a rank-3
    NCL tensor is a 2-D one of height 1 (stored NLC, viewed as N1LC)."""

    def __init__(self, L, node, kernel=None):
        self.L, self.node = L, node
        x = L.act(node.input[0], node)
        self.one_d = len(x.shape) == 3
        if self.one_d:
            x = L.layout(x, (0, 2, 1))
            if x.tensor not in L.as_2d:
                shape = (x.shape[0], x.shape[1], 1, x.shape[2])
                t = L.tensor("%s/2d" % L.name_of(x), [shape[p] for p in NHWC], x.quant)
                L.reshape_op(x.tensor, t, [shape[p] for p in NHWC])
                L.as_2d[x.tensor] = Value(t, shape, NHWC, x.quant)
            x = L.as_2d[x.tensor]
        elif len(x.shape) == 4:
            x = L.layout(x, NHWC)
        else:
            raise node_error(node, "input has rank %d; 1-D and 2-D windows (NCL, NCHW) are supported"
                             % len(x.shape))
        self.x = x
        n = 1 if self.one_d else 2
        self.kernel = self._2d(kernel if kernel is not None else L.attr(node, "kernel_shape"))
        self.strides = self._2d(L.attr(node, "strides", [1] * n))
        self.dilations = self._2d(L.attr(node, "dilations", [1] * n))
        pads = list(L.attr(node, "pads", [0] * 2 * n))
        if len(pads) != 2 * n:
            raise node_error(node, "pads %s: a %d-D window needs %d values" % (pads, n, 2 * n))
        self.pads = [0, pads[0], 0, pads[1]] if self.one_d else pads

    def _2d(self, values):
        values = [int(v) for v in values]
        return tuple([1] + values if self.one_d else values)

    def padding(self):
        """ONNX padding as (TFLite padding, explicit [top, left, bottom, right] or None)."""
        same = []
        for n, k, s, d in zip(self.x.shape[2:4], self.kernel, self.strides, self.dilations):
            total = max((math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
            same.append((total // 2, total - total // 2))
        auto = self.L.attr(self.node, "auto_pad", "NOTSET")
        pads = self.pads
        if auto == "VALID":
            pads = [0, 0, 0, 0]
        elif auto == "SAME_UPPER":
            pads = [same[0][0], same[1][0], same[0][1], same[1][1]]
        elif auto == "SAME_LOWER":
            pads = [same[0][1], same[1][1], same[0][0], same[1][0]]
        if not any(pads):
            return S.Padding.VALID, None
        if pads == [same[0][0], same[1][0], same[0][1], same[1][1]]:
            return S.Padding.SAME, None
        return S.Padding.VALID, pads

    def pad(self, pads, value=None):
        """The input padded spatially by a PAD (zero point) or a PADV2 (int8 `value`)."""
        x, L = self.x, self.L
        t, l, b, r = pads
        shape = [x.shape[0], x.shape[1], x.shape[2] + t + b, x.shape[3] + l + r]
        out = L.tensor("%s/padded" % L.name_of(x), [shape[p] for p in NHWC], x.quant)
        paddings = L.int32_const("paddings", [[0, 0], [t, b], [l, r], [0, 0]])
        if value is None:
            L.b.op("PAD", [x.tensor, paddings], [out], options=S.PadOptionsT())
        else:
            v = L.b.const("pad_value", np.array([value], np.int8), "int8", **x.quant.kwargs())
            L.b.op("PADV2", [x.tensor, paddings, v], [out], options=S.PadV2OptionsT())
        self.x = Value(out, shape, NHWC, x.quant)

    def output(self, name, quant, padding, channels):
        """The output tensor for the TFLite operator, after checking that its
        shape is ONNX's; a 1-D window's output is reshaped back to NCL."""
        L = self.L
        out = []
        for n, k, s, d in zip(self.x.shape[2:4], self.kernel, self.strides, self.dilations):
            eff = (k - 1) * d + 1
            out.append(math.ceil(n / s) if padding == S.Padding.SAME else math.ceil((n - eff + 1) / s))
        shape = (1, channels, out[0], out[1])
        onnx_shape = tuple(L.shapes[name])
        if (onnx_shape[:2] + (1,) + onnx_shape[2:] if self.one_d else onnx_shape) != shape:
            raise node_error(self.node, "output shape %s differs from TFLite's %s for this window "
                             "(ceil_mode or padding TFLite cannot express)" %
                             (list(onnx_shape), list(shape[:2] + shape[3:] if self.one_d else shape)))
        if not self.one_d:
            return L.new_value(name, NHWC, quant, self.node).tensor
        users = L.consumers.get(name, [])
        if users and name not in L.graph_outputs and all(L.nodes[j].op_type in WINDOWS for j in users):
            # Only 1-D windows read it: they take the N1LC tensor, no NLC twin is written.
            t = L.tensor(name, [shape[p] for p in NHWC], quant)
            L.values[name] = Value(t, onnx_shape, (0, 2, 1), quant)
            L.as_2d[t] = Value(t, shape, NHWC, quant)
            self._finish = None
            return t
        t = L.tensor(name + "/2d", [shape[p] for p in NHWC], quant)
        y = L.new_value(name, (0, 2, 1), quant, self.node)
        L.as_2d[y.tensor] = Value(t, shape, NHWC, quant)
        self._finish = (t, y)
        return t

    def finish(self):
        """Writes the reshape back to NCL of a 1-D window (after the operator)."""
        if self.one_d and self._finish is not None:
            t, y = self._finish
            self.L.reshape_op(t, y.tensor, y.stored_shape)


def conv(L, i, node):
    win_weights = np.asarray(L.const(node.input[1], node, "weights"), np.float64)
    out_ch, in_per_group = win_weights.shape[0], win_weights.shape[1]
    win = _Window(L, node, kernel=win_weights.shape[2:])
    w = win_weights.reshape(out_ch, in_per_group, *win.kernel)
    x = win.x
    bias = np.zeros(out_ch)
    if len(node.input) > 2 and node.input[2]:
        bias = np.asarray(L.const(node.input[2], node, "bias"), np.float64).reshape(-1)
    name, w, bias = fold_batch_norm(L, node.output[0], w, bias)
    act, name = fuse_activation(L, name)
    group = L.attr(node, "group", 1)
    channels = x.shape[1]
    padding, pads = win.padding()
    if pads is not None:
        win.pad(pads)
        x, padding = win.x, S.Padding.VALID
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
    opts.strideH, opts.strideW = win.strides
    opts.dilationHFactor, opts.dilationWFactor = win.dilations
    opts.fusedActivationFunction = act
    scales = Q.weight_scales(filt, axis, bias, x.quant.scale)
    wt = L.b.const(name + "/weights", Q.quantize_weights(filt, scales, axis), "int8",
                   scale=list(scales), zero_point=[0] * out_ch, quantized_dimension=axis)
    bt = L.b.const(name + "/bias", Q.quantize_bias(bias, x.quant.scale, scales), "int32",
                   scale=list(x.quant.scale * scales), zero_point=[0] * out_ch)
    y = win.output(name, L.out_quant(name, node), padding, out_ch)
    L.b.op(op, [x.tensor, wt, bt], [y], options=opts)
    win.finish()


def pool(L, i, node):
    name = node.output[0]
    is_global = node.op_type.startswith("Global")
    is_max = "Max" in node.op_type
    if is_global:
        x = L.act(node.input[0], node)
        win = _Window(L, node, kernel=x.shape[2:])
        padding, pads = S.Padding.VALID, None
    else:
        win = _Window(L, node)
        if win.dilations != (1, 1):
            raise node_error(node, "dilations %s: TFLite pools have none" % list(win.dilations))
        if len(node.output) > 1 and node.output[1]:
            raise node_error(node, "the Indices output is not supported")
        padding, pads = win.padding()
    if pads is not None:
        if is_max:
            win.pad(pads, value=-128)
        elif L.attr(node, "count_include_pad", 0):
            win.pad(pads)
        else:
            raise node_error(node, "pads %s with count_include_pad=0 that are not TFLite's SAME "
                             "padding" % pads)
        padding = S.Padding.VALID
    elif padding == S.Padding.SAME and not is_max and L.attr(node, "count_include_pad", 0):
        win.pad(win.pads)
        padding = S.Padding.VALID
    x = win.x
    opts = S.Pool2DOptionsT()
    opts.padding = padding
    opts.strideH, opts.strideW = win.strides
    opts.filterHeight, opts.filterWidth = win.kernel
    # Pools keep the input's scale: TFLM's int8 pools do not rescale.
    y = win.output(name, x.quant, padding, x.shape[1])
    L.b.op("MAX_POOL_2D" if is_max else "AVERAGE_POOL_2D", [x.tensor], [y], options=opts)
    win.finish()
