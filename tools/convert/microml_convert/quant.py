"""Quantization parameters as the TFLite converter chooses them, so TFLM's
kernels accept the result: asymmetric int8 activations whose range holds 0,
symmetric weights (per output channel for convolutions), int32 bias with
scale input_scale * weight_scale."""
import numpy as np

INT32_MAX = 2**31 - 1


class Quant:
    def __init__(self, scale, zero_point):
        self.scale = float(scale)
        self.zero_point = int(zero_point)

    def __eq__(self, other):
        return self.scale == other.scale and self.zero_point == other.zero_point

    def kwargs(self):
        return {"scale": self.scale, "zero_point": self.zero_point}


# LOGISTIC and SOFTMAX outputs in [0, 1]: TFLM requires exactly this.
UNIT_OUTPUT = Quant(1.0 / 256, -128)


def activation_quant(lo, hi):
    """int8 parameters for values in [lo, hi] (widened to hold 0, as zero must be exact)."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    if hi - lo < 1e-8:
        hi = lo + 1e-8
    scale = (hi - lo) / 255.0
    zero_point = int(np.clip(np.round(-128 - lo / scale), -128, 127))
    return Quant(scale, zero_point)


def quantize(values, q, dtype=np.int8):
    info = np.iinfo(dtype)
    return np.clip(np.round(np.asarray(values) / q.scale) + q.zero_point, info.min, info.max).astype(dtype)


def weight_scales(weights, axis, bias, input_scale):
    """Symmetric scales along `axis` (all axes when None), large enough that the
    bias fits int32 at scale input_scale * weight_scale."""
    w = np.asarray(weights, np.float64)
    if axis is None:
        max_abs = np.array([np.abs(w).max() if w.size else 0.0])
    else:
        other = tuple(a for a in range(w.ndim) if a != axis)
        max_abs = np.abs(w).max(axis=other)
    scales = max_abs / 127.0
    if bias is not None:
        b = np.abs(np.asarray(bias, np.float64))
        need = (b.max() if axis is None else b) / (input_scale * (INT32_MAX - 1))
        scales = np.maximum(scales, need)
    return np.maximum(scales, 1e-12)


def quantize_weights(weights, scales, axis):
    shape = [1] * weights.ndim
    if axis is not None:
        shape[axis] = -1
    s = np.asarray(scales).reshape(shape)
    return np.clip(np.round(weights / s), -127, 127).astype(np.int8)


def quantize_bias(bias, input_scale, scales):
    s = input_scale * np.asarray(scales, np.float64)
    return np.clip(np.round(np.asarray(bias, np.float64) / s), -INT32_MAX, INT32_MAX).astype(np.int32)
