# Helpers for postprocessing: elementwise sigmoid/logit, thresholding and
# (de)quantization on numbers or ml.ndarrays, and NMS (native): Gaussian
# soft-NMS over boxes in model-input pixels, mapped back to the source roi.
import math
from _ml import ndarray, NMS


def _map(f, x):
    if isinstance(x, ndarray):
        return ndarray([f(v) for v in x.flatten()]).reshape(x.shape)
    if isinstance(x, (list, tuple)):
        return [f(v) for v in x]
    return f(x)


def _sigmoid(v):
    if v < -80.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-v))


def sigmoid(x):
    return _map(_sigmoid, x)


def logit(x):
    return _map(lambda p: math.log(p / (1.0 - p)), x)


def threshold(scores, threshold, scale, find_max=False, find_max_axis=1):
    """Indices (an 'i' ml.ndarray) of the scores above threshold - below it
    when scale is negative, as for quantized scores with a negative scale.
    With find_max, the max (min) along find_max_axis is taken first."""
    if find_max:
        scores = scores.max(axis=find_max_axis) if scale > 0 else scores.min(axis=find_max_axis)
    flat = scores.flatten() if isinstance(scores, ndarray) else scores
    if scale > 0:
        picked = [i for i, v in enumerate(flat) if v > threshold]
    else:
        picked = [i for i, v in enumerate(flat) if v < threshold]
    return ndarray(picked, dtype="i")


def quantize(model, value, index=0):
    """Real value(s) in output `index`'s quantized domain (unrounded)."""
    if model.output_dtype[index] == "f":
        return value
    scale = model.output_scale[index]
    zero_point = model.output_zero_point[index]
    return _map(lambda v: v / scale + zero_point, value)


def dequantize(model, value, index=0):
    """Quantized value(s) of output `index` as real numbers."""
    if model.output_dtype[index] == "f":
        return value
    scale = model.output_scale[index]
    zero_point = float(model.output_zero_point[index])
    return _map(lambda v: (v - zero_point) * scale, value)
