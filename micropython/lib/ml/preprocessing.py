# Input preprocessing. Normalization (native) makes the input tensor OpenMV
# makes from an image: the roi (cut to the image) drawn at the tensor's H x W
# with imlib's fixed-point bilinear scaling in the grayscale or RGB565
# domain, stored as the pixel (uint8), pixel ^ 0x80 (int8) or, for float
# tensors, ((pixel / 255) * (max - min) + min - mean) / stdev. With
# quantize=True: float bilinear resize, then that normalization quantized
# with the tensor's scale and zero point, for every dtype.
from _ml import Normalization
from ml._draw import Drawing

# Pixel formats for Image and for format() of duck-typed images (the low byte
# is the bytes per pixel, as in OpenMV's image module).
GRAYSCALE = 1
RGB565 = 2
RGB888 = 3


_FORMATS = {"GRAYSCALE": GRAYSCALE, "RGB565": RGB565, "RGB888": RGB888}


class Image(Drawing):
    """A raw pixel buffer (row-major; RGB565 as little-endian 16-bit words)
    usable wherever predict() and Normalization take an image. `format` is
    GRAYSCALE, RGB565, RGB888 or one of those names. Drawing methods
    (draw_rectangle, draw_circle, draw_line, draw_cross, draw_string,
    set_pixel) work on a writable buffer; save(path) writes a BMP."""

    def __init__(self, buffer, width, height, format=GRAYSCALE):
        if isinstance(format, str):
            if format not in _FORMATS:
                raise ValueError("format must be GRAYSCALE, RGB565 or RGB888, got %r" % (format,))
            format = _FORMATS[format]
        bpp = format & 0xFF
        if bpp not in (GRAYSCALE, RGB565, RGB888):
            raise ValueError("format must be GRAYSCALE, RGB565 or RGB888, got %r" % (format,))
        need = width * height * bpp
        if len(buffer) < need:
            raise ValueError("a %dx%d image of format %d needs %d bytes, got %d"
                             % (width, height, format, need, len(buffer)))
        self._buffer = buffer
        self._width = width
        self._height = height
        self._format = format

    def width(self):
        return self._width

    def height(self):
        return self._height

    def format(self):
        return self._format

    def bytearray(self):
        return self._buffer

    def crop(self, roi=None):
        """Keeps the part of the image inside roi (x, y, w, h), in place, as
        OpenMV's crop(roi=...) does; returns the image."""
        if roi is None:
            return self
        x, y, w, h = roi
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(self._width, x + w), min(self._height, y + h)
        if x1 <= x0 or y1 <= y0:
            raise ValueError("roi %r does not overlap the %dx%d image" % (roi, self._width, self._height))
        bpp = self._format & 0xFF
        out = bytearray((x1 - x0) * (y1 - y0) * bpp)
        src = memoryview(self._buffer)
        row = (x1 - x0) * bpp
        for i, yy in enumerate(range(y0, y1)):
            start = (yy * self._width + x0) * bpp
            out[i * row:(i + 1) * row] = src[start:start + row]
        self._buffer, self._width, self._height = out, x1 - x0, y1 - y0
        return self

    def __repr__(self):
        return "Image(%dx%d, format=%d)" % (self._width, self._height, self._format)
