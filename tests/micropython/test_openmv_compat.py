"""OpenMV compatibility of the `ml` module on the unix build: images become the
input tensors OpenMV makes (checked byte for byte against openmv_imlib_ref.py,
a re-implementation of OpenMV's imlib arithmetic), and ndarray inputs are real
numbers quantized whatever their dtype."""

from __future__ import annotations

import random
import struct

import numpy as np
import pytest

import openmv_imlib_ref as ref
from test_micropython import run_unix

FORMATS = {1: "GRAYSCALE", 2: "RGB565", 3: "RGB888"}


def make_case(rng: random.Random, i: int):
    fmt = (1, 2, 3)[i % 3]
    w, h = rng.randint(1, 40), rng.randint(1, 40)
    data = bytes(rng.randrange(256) for _ in range(w * h * fmt))
    tw, th = rng.randint(1, 24), rng.randint(1, 24)
    kind = i % 5
    if kind == 0:
        roi = None
    elif kind == 1:  # partly outside the image
        rw, rh = rng.randint(1, w + 10), rng.randint(1, h + 10)
        roi = (rng.randint(-rw + 1, w - 1), rng.randint(-rh + 1, h - 1), rw, rh)
    elif kind == 2:  # the tensor's own size: imlib copies without scaling
        tw, th = min(tw, w), min(th, h)
        roi = (rng.randint(0, w - tw), rng.randint(0, h - th), tw, th)
    else:
        x, y = rng.randrange(w), rng.randrange(h)
        roi = (x, y, rng.randint(1, w - x), rng.randint(1, h - y))
    tc = (1, 3)[(i // 3) % 2]
    dtype = "bBf"[(i // 6) % 3]
    norm = {}
    if dtype == "f" and i % 4 == 1:
        norm = {"scale": (-1.0, 1.0), "mean": (0.485, 0.456, 0.406), "stdev": (0.229, 0.224, 0.225)}
    return dict(fmt=fmt, w=w, h=h, data=data, roi=roi, th=th, tw=tw, tc=tc, dtype=dtype, norm=norm)


def run_cases(cases, tmp_path) -> list[bytes]:
    lines = ["import ubinascii", "from ml.preprocessing import Normalization, Image", "CASES = ["]
    for c in cases:
        lines.append("  (%r, %d, %d, %d, %r, %r, %r, %r)," % (
            c["data"], c["w"], c["h"], c["fmt"], c["roi"], (1, c["th"], c["tw"], c["tc"]), c["dtype"],
            c["norm"]))
    lines += [
        "]",
        "for data, w, h, fmt, roi, shape, dtype, norm in CASES:",
        "    n = shape[1] * shape[2] * shape[3] * (4 if dtype == 'f' else 1)",
        "    buf = bytearray(n)",
        "    Normalization(roi=roi, **norm)(Image(data, w, h, fmt))(buf, shape, dtype)",
        "    print(ubinascii.hexlify(buf).decode())",
    ]
    out = run_unix("\n".join(lines) + "\n", tmp_path).split()
    return [bytes.fromhex(line) for line in out]


def expected(c) -> bytes:
    return ref.tensor_bytes(c["fmt"], c["w"], c["h"], c["data"], c["roi"], c["th"], c["tw"], c["tc"],
                            c["dtype"], **c["norm"])


def test_reference_by_hand():
    """The reference itself, on cases worked out from imlib's arithmetic by hand."""
    gray = bytes(range(16))  # 4x4, pixel (x, y) = 4 y + x
    # 2x downscale: step 2.0 from -0.5 (the half-pixel shift of the 16.16
    # start); x = -0.5 clamps to column 0, x = 1.5 blends columns 1 and 2
    # half and half: (128 * 1 + 128 * 2 + 128) >> 8 = 2.
    assert list(ref.tensor_bytes(1, 4, 4, gray, None, 2, 2, 1, "B")) == [0, 2, 6, 8]
    assert list(ref.tensor_bytes(1, 4, 4, gray, None, 2, 2, 1, "b")) == [128, 130, 134, 136]
    # Same size: a copy. A roi partly outside is cut to the image first.
    assert ref.tensor_bytes(1, 4, 4, gray, (2, 2, 9, 9), 2, 2, 1, "B") == bytes([10, 11, 14, 15])
    # RGB565 to 3 channels: 5/6-bit fields widened by replicating their top bits.
    red = struct.pack("<H", 0xF800)
    assert list(ref.tensor_bytes(2, 1, 1, red, None, 1, 1, 3, "B")) == [255, 0, 0]
    assert list(ref.tensor_bytes(2, 1, 1, struct.pack("<H", 0x0841), None, 1, 1, 3, "B")) == [8, 8, 8]
    # RGB888 goes through RGB565; grayscale luma (38 R + 75 G + 15 B) >> 7.
    assert list(ref.tensor_bytes(3, 1, 1, bytes([200, 100, 50]), None, 1, 1, 3, "B")) == [206, 101, 49]
    assert list(ref.tensor_bytes(3, 1, 1, bytes([200, 100, 50]), None, 1, 1, 1, "B")) == [(206 * 38 + 101 * 75 + 49 * 15) >> 7]
    # Float: pixel / 255 with the default scale (0, 1).
    assert np.frombuffer(ref.tensor_bytes(1, 1, 1, bytes([51]), None, 1, 1, 1, "f"), "<f4")[0] == np.float32(51) * (np.float32(1) / np.float32(255))


def test_images_match_openmv(tmp_path):
    rng = random.Random(9)
    cases = [make_case(rng, i) for i in range(180)]
    # Fixed cases: shapes where imlib's float scale falls a pixel short (96 / 37),
    # a 1-pixel roi, upscaling and a large downscale.
    big = bytes(rng.randrange(256) for _ in range(160 * 120 * 2))
    cases += [
        dict(fmt=2, w=160, h=120, data=big, roi=(10, 5, 37, 74), th=96, tw=96, tc=3, dtype="b", norm={}),
        dict(fmt=2, w=160, h=120, data=big, roi=(10, 5, 37, 74), th=96, tw=96, tc=1, dtype="B", norm={}),
        dict(fmt=2, w=160, h=120, data=big, roi=None, th=7, tw=9, tc=3, dtype="f", norm={}),
        dict(fmt=1, w=160, h=120, data=big[:19200], roi=(3, 4, 1, 1), th=5, tw=5, tc=1, dtype="B", norm={}),
        dict(fmt=1, w=160, h=120, data=big[:19200], roi=(150, 110, 30, 30), th=40, tw=40, tc=3, dtype="B",
             norm={}),
    ]
    got = run_cases(cases, tmp_path)
    assert len(got) == len(cases)
    for i, (c, g) in enumerate(zip(cases, got)):
        want = expected(c)
        if g != want:
            pytest.fail("case %d (%s %dx%d roi %r -> %dx%dx%d %s): got %s, OpenMV %s" % (
                i, FORMATS[c["fmt"]], c["w"], c["h"], c["roi"], c["th"], c["tw"], c["tc"], c["dtype"],
                g[:48].hex(), want[:48].hex()))
