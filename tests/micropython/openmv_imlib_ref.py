"""Reference for the bytes OpenMV's ml.preprocessing.Normalization writes into an
input tensor, re-implemented from OpenMV's sources (read, not copied):

* scripts/libraries/ml/ml-core/ml/preprocessing.py: the tensor is an image
  (GRAYSCALE for 1 channel, RGB565 for 3), `draw_image(src, 0, 0, roi=roi,
  hint=BILINEAR | CENTER | SCALE_ASPECT_IGNORE | BLACK_BACKGROUND)`, then
  `to_ndarray(dtype)`; float tensors then get `*= fscale; += fadd` (float32).
* modules/py_helper.c py_helper_arg_to_roi: the roi is intersected with the image.
* lib/imlib/draw.c imlib_draw_image: float32 scale factors, 16.16 accumulators,
  the bilinear loops with packed __SMLAD arithmetic (emulated here on packed
  words as the Cortex-M instruction computes them, not channel by channel).
* lib/imlib/imlib.h colour macros, modules/py_image.c to_ndarray.

Written independently of micropython/ml/ml_preprocess_openmv.cpp (which
blends channel by channel); the test compares the two byte for byte.
"""

from __future__ import annotations

import math
import struct

import numpy as np

f32 = np.float32


def fast_floorf(x) -> int:
    return int(math.floor(float(x)))


def smlad(a: int, b: int, acc: int) -> int:
    """ARM __SMLAD: signed 16x16 products of the halves, summed with acc."""
    def halves(v):
        lo, hi = v & 0xFFFF, (v >> 16) & 0xFFFF
        return (lo - 0x10000 if lo & 0x8000 else lo), (hi - 0x10000 if hi & 0x8000 else hi)
    alo, ahi = halves(a & 0xFFFFFFFF)
    blo, bhi = halves(b & 0xFFFFFFFF)
    return alo * blo + ahi * bhi + acc


def r8(p):
    v = (p >> 8) & 0xF8
    return v | (v >> 5)


def g8(p):
    v = (p >> 3) & 0xFC
    return v | (v >> 6)


def b8(p):
    v = (p << 3) & 0xF8
    return v | (v >> 5)


def rgb565_to_y(p):
    return (r8(p) * 38 + g8(p) * 75 + b8(p) * 15) >> 7


def y_to_rgb565(y):
    rb = (y >> 3) & 0x1F
    return rb * 0x0801 + ((y << 3) & 0x7E0)


def rgb888_to_rgb565(r, g, b):
    return ((r & 0xF8) << 8) | ((g & 0xFC) << 3) | (b >> 3)


def source_pixels(fmt: int, w: int, h: int, data: bytes):
    """Rows of source pixels in imlib's domain: grayscale ints or RGB565 ints."""
    if fmt == 1:
        return [list(data[y * w:(y + 1) * w]) for y in range(h)], "gray"
    if fmt == 2:
        words = struct.unpack("<%dH" % (w * h), data[:2 * w * h])
        return [list(words[y * w:(y + 1) * w]) for y in range(h)], "rgb565"
    rows = []
    for y in range(h):
        rows.append([rgb888_to_rgb565(*data[3 * (y * w + x):3 * (y * w + x) + 3]) for x in range(w)])
    return rows, "rgb565"


def clip_roi(roi, w, h):
    x, y, rw, rh = roi
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + rw, w), min(y + rh, h)
    assert rw >= 1 and rh >= 1 and x1 > x0 and y1 > y0
    return x0, y0, x1 - x0, y1 - y0


def draw_image(dst_w, dst_h, dst_fmt, src, src_fmt, roi):
    """imlib_draw_image with BILINEAR | CENTER | SCALE_ASPECT_IGNORE into a
    black destination; returns rows of destination pixels (gray or RGB565)."""
    rx, ry, rw, rh = roi
    x_scale = f32(1.0) * (f32(dst_w) / f32(rw))
    y_scale = f32(1.0) * (f32(dst_h) / f32(rh))
    sw = fast_floorf(f32(abs(x_scale)) * f32(rw))
    sh = fast_floorf(f32(abs(y_scale)) * f32(rh))
    dst_x_start = fast_floorf(f32(dst_w - sw) / f32(2.0))
    dst_y_start = fast_floorf(f32(dst_h - sh) / f32(2.0))
    src_x_start = 0
    if dst_x_start < 0:
        src_x_start, dst_x_start = -dst_x_start, 0
    src_y_start = 0
    if dst_y_start < 0:
        src_y_start, dst_y_start = -dst_y_start, 0
    dst_x_end = min(dst_x_start + sw - src_x_start, dst_w)
    dst_y_end = min(dst_y_start + sh - src_y_start, dst_h)
    src_x_start += fast_floorf(f32(rx) * x_scale)
    src_y_start += fast_floorf(f32(ry) * y_scale)
    src_x_frac = fast_floorf(f32(65536.0) / x_scale)
    src_y_frac = fast_floorf(f32(65536.0) / y_scale)
    src_x_accum_reset = fast_floorf(f32(src_x_start << 16) / x_scale)
    src_y_accum_reset = fast_floorf(f32(src_y_start << 16) / y_scale)
    bilinear = not (src_x_frac == 65536 and src_y_frac == 65536) and rw > 1 and rh > 1
    if bilinear:
        src_x_accum_reset -= 0x8000
        src_y_accum_reset -= 0x8000
    w_start, w_limit = rx, rx + rw - 1
    h_start, h_limit = ry, ry + rh - 1

    out = [[0] * dst_w for _ in range(dst_h)]
    for y in range(dst_y_start, dst_y_end):
        src_y_accum = src_y_accum_reset + (y - dst_y_start) * src_y_frac
        iy = src_y_accum >> 16
        if iy < h_start:
            row0 = row1 = src[h_start]
        elif iy >= h_limit:
            row0 = row1 = src[h_limit]
        else:
            row0, row1 = src[iy], src[iy + 1]
        row = [0] * dst_w
        for x in range(dst_x_start, dst_x_end):
            src_x_accum = src_x_accum_reset + (x - dst_x_start) * src_x_frac
            ix = src_x_accum >> 16
            if not bilinear:
                row[x] = row0[min(max(ix, w_start), w_limit)]
                continue
            if ix < w_start:
                p00 = p10 = row0[w_start]
                p01 = p11 = row1[w_start]
            elif ix >= w_limit:
                p00 = p10 = row0[w_limit]
                p01 = p11 = row1[w_limit]
            else:
                p00, p10 = row0[ix], row0[ix + 1]
                p01, p11 = row1[ix], row1[ix + 1]
            if src_fmt == "gray":
                sy = (src_y_accum >> 8) & 0xFF
                sy |= (256 - sy) << 16
                left = smlad(sy, (p00 << 16) | p01, 128) >> 8
                right = smlad(sy, (p10 << 16) | p11, 128) >> 8
                sx = (src_x_accum >> 8) & 0xFF
                sx |= (256 - sx) << 16
                pixel = smlad(sx, (left << 16) | right, 128) >> 8
            else:
                mask_r, mask_g, mask_b = 0x7C007C00, 0x07E007E0, 0x001F001F
                sy = (src_y_accum >> 11) & 0x1F
                sy |= (32 - sy) << 16
                rgb_l = (p00 << 16) | p01
                rb_l = ((rgb_l >> 1) & mask_r) | (rgb_l & mask_b)
                rb_out_l = (smlad(sy, rb_l, 0x4010) >> 5) & 0x7C1F
                g_out_l = (smlad(sy, rgb_l & mask_g, 0x200) >> 5) & 0x07E0
                rgb_r = (p10 << 16) | p11
                rb_r = ((rgb_r >> 1) & mask_r) | (rgb_r & mask_b)
                rb_out_r = (smlad(sy, rb_r, 0x4010) >> 5) & 0x7C1F
                g_out_r = (smlad(sy, rgb_r & mask_g, 0x200) >> 5) & 0x07E0
                sx = (src_x_accum >> 11) & 0x1F
                sx |= (32 - sx) << 16
                rb_out = smlad(sx, (rb_out_l << 16) | rb_out_r, 0x4010) >> 5
                g_out = smlad(sx, (g_out_l << 16) | g_out_r, 0x200) >> 5
                pixel = ((rb_out << 1) & 0xF800) | (g_out & 0x07E0) | (rb_out & 0x001F)
            row[x] = pixel
        # imlib_draw_row: convert the source-format row to the destination format.
        for x in range(dst_x_start, dst_x_end):
            p = row[x]
            if dst_fmt == "gray" and src_fmt == "rgb565":
                p = rgb565_to_y(p)
            elif dst_fmt == "rgb565" and src_fmt == "gray":
                p = y_to_rgb565(p)
            out[y][x] = p
    return out


def tensor_bytes(fmt, w, h, data, roi, th, tw, tc, dtype,
                 scale=(0.0, 1.0), mean=(0.0, 0.0, 0.0), stdev=(1.0, 1.0, 1.0)) -> bytes:
    src, src_fmt = source_pixels(fmt, w, h, data)
    roi = clip_roi(roi if roi is not None else (0, 0, w, h), w, h)
    dst_fmt = "gray" if tc == 1 else "rgb565"
    img = draw_image(tw, th, dst_fmt, src, src_fmt, roi)
    values = []
    for row in img:
        for p in row:
            values.extend([p] if tc == 1 else [r8(p), g8(p), b8(p)])
    if dtype == "B":
        return bytes(values)
    if dtype == "b":
        return bytes(v ^ 0x80 for v in values)
    # Float tensors: preprocessing.py's arithmetic in single precision (OpenMV's
    # MicroPython floats and ulab arrays are float32).
    fscale = f32(f32(scale[1]) - f32(scale[0])) / f32(255.0)
    fadd = f32(scale[0])
    if tc == 1:
        def gray(v):
            return f32(f32(f32(v[0]) * f32(0.299)) + f32(f32(v[1]) * f32(0.587))) + f32(f32(v[2]) * f32(0.114))
        fadds = [f32(fadd - gray(mean)) / gray(stdev)]
        fscales = [f32(fscale / gray(stdev))]
    else:
        fadds = [f32(fadd - f32(m)) / f32(s) for m, s in zip(mean, stdev)]
        fscales = [f32(fscale / f32(s)) for s in stdev]
    arr = np.array(values, dtype=np.float32).reshape(-1, tc)
    arr = arr * np.array(fscales, dtype=np.float32)
    arr = arr + np.array(fadds, dtype=np.float32)
    return arr.astype("<f4").tobytes()
