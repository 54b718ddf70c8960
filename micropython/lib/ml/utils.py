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


# Drawing results with the image's own methods (OpenMV's image.Image, or
# ml.preprocessing.Image): draw_rectangle, draw_string, draw_circle,
# draw_line, set_pixel.

def draw_predictions(image, boxes, labels, colors, scores=None, format="pascal_voc",
                     font_width=8, font_height=10, text_color=(255, 255, 255)):
    """One box and label per entry of `boxes`: normalized (xmin, ymin, xmax,
    ymax) for "pascal_voc", pixel (x, y, w, h) for None, a marker at the
    box's centre for "point". Text and lines grow with the image width."""
    iw = image.width()
    ih = image.height()
    font_scale = min(4, max(1, iw // 320))
    thickness = min(3, max(1, iw // 480))
    fw = font_width * font_scale
    fh = font_height * font_scale
    for i, (x, y, w, h) in enumerate(boxes):
        label = labels[i]
        if scores is not None:
            label = "%s %.2f" % (label, scores[i])
        color = colors[i]
        if format == "pascal_voc":
            x, y = int(x * iw), int(y * ih)
            w, h = int(w * iw) - x, int(h * ih) - y
        if format == "point":
            cx, cy = x + w // 2, y + h // 2
            radius = min(16, max(4, iw // 60))
            image.draw_circle((cx, cy, radius), color=color, thickness=thickness, fill=True)
            top = max(0, cy - radius - fh)
            image.draw_rectangle((cx, top, len(label) * fw, fh), fill=True, color=color)
            image.draw_string((cx, top), label.upper(), text_color, scale=font_scale)
            continue
        image.draw_rectangle((x, y, w, h), color=color, thickness=thickness)
        image.draw_rectangle((x, y - fh, len(label) * fw, fh), fill=True, color=color)
        image.draw_string((x, y - fh), label.upper(), text_color, scale=font_scale)


def draw_keypoints(image, keypoints, radius=4, color=(255, 0, 0), thickness=1, fill=False):
    """A circle (or, with radius 0, a pixel) at each keypoint's (x, y)."""
    for kp in keypoints:
        x, y = int(kp[0]), int(kp[1])
        if radius > 0:
            image.draw_circle((x, y, radius), color=color, thickness=thickness, fill=fill)
        elif radius == 0:
            image.set_pixel((x, y), color)


def draw_skeleton(image, keypoints, lines, kp_radius=4, kp_color=(255, 0, 0), kp_thickness=1,
                  kp_fill=False, line_color=(0, 255, 0), line_thickness=1):
    """Keypoints, then a line for each (a, b) pair of keypoint indices."""
    draw_keypoints(image, keypoints, radius=kp_radius, color=kp_color, thickness=kp_thickness,
                   fill=kp_fill)
    for a, b in lines:
        image.draw_line((int(keypoints[a][0]), int(keypoints[a][1]), int(keypoints[b][0]),
                         int(keypoints[b][1])), color=line_color, thickness=line_thickness)
