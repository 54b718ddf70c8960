# Runs before each of OpenMV's ML examples (test_openmv_examples.py sets DATA
# and FRAME first). It stands in for the board, not for the ml module:
# - /rom holds OpenMV's lib/models, as in OpenMV's firmware image;
# - frame() is the camera frame: one of OpenMV's unit-test images, squared
#   when the example sets a square camera window;
# - time.clock() is OpenMV's frame clock (tick/fps/avg), not the unix
#   port's time.clock(), which returns seconds;
# - what the example draws with ml.utils is also printed, so the test can
#   compare it with OpenMV's expected results.
import sys
import time as _time
import vfs
import ml.utils
from ml.preprocessing import Image, RGB565



class _Clock:
    def __init__(self):
        self._start = _time.ticks_ms()

    def tick(self):
        self._start = _time.ticks_ms()

    def avg(self):
        return max(1, _time.ticks_diff(_time.ticks_ms(), self._start))

    def fps(self):
        return 1000.0 / self.avg()


class _Time:
    clock = _Clock

    def __getattr__(self, name):
        return getattr(_time, name)


sys.modules["time"] = _Time()
vfs.mount(vfs.VfsPosix(DATA), "/rom")  # noqa: F821 (set by the test)


def load_bmp(path):
    f = open(path, "rb")
    d = f.read()
    f.close()
    off = d[10] | d[11] << 8
    w = int.from_bytes(d[18:22], "little")
    h = int.from_bytes(d[22:26], "little")
    if h >= 2**31:
        h -= 2**32
    stride = (w * 2 + 3) & ~3
    bottom_up = h > 0
    h = abs(h)
    out = bytearray(w * h * 2)
    for y in range(h):
        sy = h - 1 - y if bottom_up else y
        out[y * w * 2:(y + 1) * w * 2] = d[off + sy * stride:off + sy * stride + w * 2]
    return Image(out, w, h, RGB565)


_frames = 0


def frame():
    global _frames
    _frames += 1
    print("FRAME", _frames)
    name, squared = FRAME  # noqa: F821 (set by the test)
    img = load_bmp(DATA + "/" + name)  # noqa: F821
    if squared:
        s = min(img.width(), img.height())
        img = img.crop(roi=((img.width() - s) // 2, (img.height() - s) // 2, s, s))
    return img


_draw_predictions = ml.utils.draw_predictions
_draw_keypoints = ml.utils.draw_keypoints


def _show_predictions(image, boxes, labels, colors, *args, **kwargs):
    print("DRAW", [list(b) for b in boxes], [labels[i] for i in range(len(boxes))])
    return _draw_predictions(image, boxes, labels, colors, *args, **kwargs)


def _show_keypoints(image, keypoints, *args, **kwargs):
    print("KEYPOINTS", len(keypoints))
    return _draw_keypoints(image, keypoints, *args, **kwargs)


ml.utils.draw_predictions = _show_predictions
ml.utils.draw_keypoints = _show_keypoints
