"""Calibration samples: a .npy (one input), a .npz (one array per input, by
input name) or a folder of images (resized to the input, scaled to [0, 1])."""
import os

import numpy as np

from .errors import ConvertError

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm", ".gif")


class ModelInput:
    """One model input: `shape` has batch 1; `channels_last` says where the
    channels of an image input are."""

    def __init__(self, name, shape, channels_last):
        self.name = name
        self.shape = tuple(int(d) for d in shape)
        self.channels_last = channels_last


def load_samples(path, inputs):
    """{input name: float32 array [N, *shape[1:]]}, all with the same N >= 2."""
    if not os.path.exists(path):
        raise ConvertError("calibration data: %s does not exist" % path)
    if os.path.isdir(path):
        arrays = {inputs[0].name: _images(path, inputs)}
    elif path.endswith(".npz"):
        arrays = _npz(path, inputs)
    else:
        arrays = {inputs[0].name: _npy(path, inputs)}
    counts = set()
    for inp in inputs:
        arrays[inp.name] = _checked(arrays[inp.name], inp)
        counts.add(len(arrays[inp.name]))
    if len(counts) != 1:
        raise ConvertError("calibration data: the inputs have different sample counts %s" % sorted(counts))
    n = counts.pop()
    if n < 2:
        raise ConvertError("calibration data: %d sample(s); at least 2 are needed (some are held "
                           "back for the report)" % n)
    return arrays


def _npy(path, inputs):
    if len(inputs) != 1:
        raise ConvertError("calibration data: the model has %d inputs; give a .npz with one array per "
                           "input name (%s)" % (len(inputs), ", ".join(i.name for i in inputs)))
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise ConvertError("calibration data: %s is not a readable .npy file (%s)" % (path, exc)) from None


def _npz(path, inputs):
    try:
        with np.load(path, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files}
    except (OSError, ValueError) as exc:
        raise ConvertError("calibration data: %s is not a readable .npz file (%s)" % (path, exc)) from None
    if len(inputs) == 1 and len(data) == 1:
        return {inputs[0].name: next(iter(data.values()))}
    missing = [i.name for i in inputs if i.name not in data]
    if missing:
        raise ConvertError("calibration data: %s has no array for input(s) %s (it has %s)" %
                           (path, ", ".join(missing), ", ".join(sorted(data)) or "none"))
    return data


def _images(path, inputs):
    if len(inputs) != 1 or len(inputs[0].shape) != 4:
        raise ConvertError("calibration data: a folder of images needs a model with one 4-D input")
    try:
        from PIL import Image
    except ImportError:
        raise ConvertError("calibration data: reading images needs Pillow (pip install pillow)") from None
    inp = inputs[0]
    if inp.channels_last:
        height, width, channels = inp.shape[1:]
    else:
        channels, height, width = inp.shape[1:]
    if channels not in (1, 3):
        raise ConvertError("calibration data: images give 1 or 3 channels; input '%s' has %d" %
                           (inp.name, channels))
    files = sorted(f for f in os.listdir(path) if f.lower().endswith(IMAGE_EXTENSIONS))
    samples = []
    for name in files:
        try:
            with Image.open(os.path.join(path, name)) as img:
                img = img.convert("L" if channels == 1 else "RGB").resize((width, height))
                pixels = np.asarray(img, np.float32).reshape(height, width, channels) / 255.0
        except OSError as exc:
            raise ConvertError("calibration data: cannot read image %s (%s)" % (name, exc)) from None
        samples.append(pixels if inp.channels_last else pixels.transpose(2, 0, 1))
    if not samples:
        raise ConvertError("calibration data: no images (%s) in %s" % (" ".join(IMAGE_EXTENSIONS), path))
    return np.stack(samples)


def _checked(array, inp):
    array = np.asarray(array)
    if array.dtype.kind not in "fiu":
        raise ConvertError("calibration data for input '%s': numbers needed, got dtype %s" %
                           (inp.name, array.dtype))
    sample_shape = tuple(inp.shape[1:])
    if array.shape[1:] != sample_shape:
        raise ConvertError("calibration data for input '%s': samples of shape %s needed, got an "
                           "array of shape %s (samples are along the first axis)" %
                           (inp.name, list(sample_shape), list(array.shape)))
    array = array.astype(np.float32)
    if not np.isfinite(array).all():
        raise ConvertError("calibration data for input '%s': %d value(s) are NaN or infinite" %
                           (inp.name, int((~np.isfinite(array)).sum())))
    return array


def split(arrays, held_back_fraction=0.2):
    """(calibration, held back): the last ~20% (at least one sample) are held back."""
    n = len(next(iter(arrays.values())))
    held = max(1, int(round(n * held_back_fraction)))
    return ({k: v[: n - held] for k, v in arrays.items()}, {k: v[n - held:] for k, v in arrays.items()})
