"""Resize -> RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR. Nearest: the TFLite
option set whose source-index map equals ONNX's for these sizes is chosen
(exact, or refused); linear: the coordinate modes TFLite has."""
import numpy as np

from .errors import node_error
from .lowering import NHWC
from .tflite_builder import S


def _onnx_coordinate(mode, x, n_in, n_out, scale):
    if mode == "asymmetric":
        return x / scale
    if mode == "half_pixel" or (mode == "pytorch_half_pixel" and n_out > 1):
        return (x + 0.5) / scale - 0.5
    if mode == "pytorch_half_pixel":
        return np.zeros_like(x)
    if mode == "align_corners":
        return x * (n_in - 1) / (n_out - 1) if n_out > 1 else np.zeros_like(x)
    if mode == "tf_half_pixel_for_nn":
        return (x + 0.5) / scale
    return None


def _onnx_nearest(ctm, nearest_mode, n_in, n_out, scale):
    x = _onnx_coordinate(ctm, np.arange(n_out, dtype=np.float64), n_in, n_out, scale)
    if x is None:
        return None
    rounding = {"round_prefer_floor": lambda v: np.ceil(v - 0.5), "round_prefer_ceil": lambda v: np.floor(v + 0.5),
                "floor": np.floor, "ceil": np.ceil}.get(nearest_mode)
    if rounding is None:
        return None
    return np.clip(rounding(x), 0, n_in - 1).astype(int)


def _tflite_nearest(align, half, n_in, n_out):
    """TFLite's nearest-neighbour source index (resize_nearest_neighbor.h)."""
    scale = (n_in - 1) / (n_out - 1) if align and n_out > 1 else n_in / n_out
    x = np.arange(n_out, dtype=np.float32)
    scale = np.float32(scale)
    v = np.round(x * scale) if align else np.floor((x + np.float32(0.5 if half else 0.0)) * scale)
    v = np.minimum(v, n_in - 1)
    return np.maximum(v, 0).astype(int) if half else v.astype(int)


def _scales(L, node, x, out_shape):
    """The ONNX scale of H and W (given, or out/in when sizes were given)."""
    if L.opset >= 11 and len(node.input) > 2 and node.input[2]:
        s = np.asarray(L.const(node.input[2], node, "scales"), np.float64).reshape(-1)
    elif L.opset < 11 and len(node.input) > 1:
        s = np.asarray(L.const(node.input[1], node, "scales"), np.float64).reshape(-1)
    else:
        s = np.array([])
    if s.size == 4:
        return s[2], s[3]
    return out_shape[2] / x.shape[2], out_shape[3] / x.shape[3]


def resize(L, i, node):
    x = L.act(node.input[0], node)
    name = node.output[0]
    out_shape = L.shapes[name]
    if len(x.shape) != 4 or out_shape[:2] != x.shape[:2]:
        raise node_error(node, "only the spatial axes of a rank-4 NCHW tensor can be resized "
                         "(%s -> %s)" % (list(x.shape), list(out_shape)))
    x = L.layout(x, NHWC)
    mode = L.attr(node, "mode", "nearest")
    ctm = L.attr(node, "coordinate_transformation_mode", "half_pixel" if L.opset >= 11 else "asymmetric")
    sizes = list(zip(x.shape[2:], out_shape[2:], _scales(L, node, x, out_shape)))
    if mode == "nearest":
        nearest = L.attr(node, "nearest_mode", "round_prefer_floor" if L.opset >= 11 else "floor")
        wanted = [_onnx_nearest(ctm, nearest, n_in, n_out, s) for n_in, n_out, s in sizes]
        choice = None
        if all(w is not None for w in wanted):
            for align, half in ((False, False), (False, True), (True, False)):
                if all(np.array_equal(w, _tflite_nearest(align, half, n_in, n_out))
                       for w, (n_in, n_out, _) in zip(wanted, sizes)):
                    choice = (align, half)
                    break
        if choice is None:
            raise node_error(node, "nearest resize with coordinate_transformation_mode '%s' and "
                             "nearest_mode '%s' picks other pixels than TFLite can" % (ctm, nearest))
        op, opts = "RESIZE_NEAREST_NEIGHBOR", S.ResizeNearestNeighborOptionsT()
    elif mode in ("linear", "bilinear"):
        if any(s != n_out / n_in for n_in, n_out, s in sizes) and ctm != "align_corners":
            raise node_error(node, "scales that differ from output/input size are not supported")
        if ctm == "align_corners":
            choice = (True, False)
        elif ctm == "asymmetric":
            choice = (False, False)
        elif ctm == "half_pixel" or (ctm == "pytorch_half_pixel" and min(out_shape[2:]) > 1):
            choice = (False, True)
        else:
            raise node_error(node, "linear resize with coordinate_transformation_mode '%s' is not "
                             "supported" % ctm)
        op, opts = "RESIZE_BILINEAR", S.ResizeBilinearOptionsT()
    else:
        raise node_error(node, "mode '%s' is not supported (nearest, linear)" % mode)
    opts.alignCorners, opts.halfPixelCenters = choice
    size = L.int32_const("size", out_shape[2:])
    # TFLM's int8 resize kernels do not rescale: the output keeps the input's scale.
    y = L.new_value(name, NHWC, x.quant, node)
    L.b.op(op, [x.tensor, size], [y.tensor], options=opts)
