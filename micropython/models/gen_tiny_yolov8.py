#!/usr/bin/env python3
"""Generates tiny_yolov8.tflite: a small int8 conv net with YOLOv8's output
layout, (1, 84, 8400) = (1, 4 box rows + 80 class rows, 8400 anchors), whose
detections are set by the input picture, for the ml module's detection example
and tests.

usage: gen_tiny_yolov8.py [OUT.tflite]   (default: next to this script)

Graph: input int8 (1, 84, 84, 3) RGB in [0, 1] -> CONV_2D 1x1 3->4 + ReLU
(features R, G, B, mean) -> CONV_2D 1x1 4->100 -> (1, 84, 84, 100) -> RESHAPE
(1, 84, 8400). Image row r feeds output row r; anchor a is pixel column a // 100
and conv channel a % 100. Channel 0 is R - 0.3, channel 50 is G - 0.3, every
other channel -mean - 0.3. So:
  * a red (green) pixel of intensity 1.0 at row 4 + k, column x gives class k a
    score of 0.7 at anchor 100 x (100 x + 50); everywhere else scores stay <= 0;
  * that anchor's box (cx, cy, w, h) is the red (green) value - 0.3 of column
    x in rows 0 to 3.
The weights are exact in int8, so TFLM and microml agree on every output.
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "ops"))
from tflite_builder import ModelBuilder, S  # noqa: E402

H = W = 84
CLASSES = 80
CHANNELS = 100          # anchors per image column
RED_CHANNEL, GREEN_CHANNEL = 0, 50
BIAS = -0.3

IN_SCALE, IN_ZERO = 1.0 / 255.0, -128          # [0, 1]
FEAT_SCALE, FEAT_ZERO = 1.0 / 255.0, -128      # ReLU features in [0, 1]
OUT_SCALE, OUT_ZERO = 1.0 / 127.5, 38          # about [-1.318, 0.714]


def quantize_weights(w):
    """Symmetric per-output-channel int8 weights and their scales."""
    scales = np.abs(w).reshape(w.shape[0], -1).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    q = np.round(w / scales.reshape(-1, 1, 1, 1)).astype(np.int8)
    return q, scales


def conv(b, name, x, x_scale, w, bias, y_shape, y_scale, y_zero, activation):
    q, scales = quantize_weights(w)
    wt = b.const(name + "/weights", q, scale=list(scales), zero_point=[0] * len(scales), quantized_dimension=0)
    bias_scales = x_scale * scales
    bq = np.round(bias / bias_scales).astype(np.int32)
    bt = b.const(name + "/bias", bq, scale=list(bias_scales), zero_point=[0] * len(scales), quantized_dimension=0)
    y = b.tensor(name, y_shape, "int8", scale=y_scale, zero_point=y_zero)
    opts = S.Conv2DOptionsT()
    opts.padding = S.Padding.VALID
    opts.strideW = opts.strideH = 1
    opts.fusedActivationFunction = activation
    b.op("CONV_2D", [x, wt, bt], [y], options=opts, version=3)
    return y


def build():
    b = ModelBuilder("tiny YOLOv8-layout detector for the ml module (gen_tiny_yolov8.py)")
    x = b.tensor("images", [1, H, W, 3], "int8", scale=IN_SCALE, zero_point=IN_ZERO)

    w1 = np.zeros([4, 1, 1, 3], np.float32)
    w1[0, 0, 0, 0] = w1[1, 0, 0, 1] = w1[2, 0, 0, 2] = 1.0
    w1[3, 0, 0, :] = 1.0 / 3.0
    f = conv(b, "features", x, IN_SCALE, w1, np.zeros(4), [1, H, W, 4], FEAT_SCALE, FEAT_ZERO,
             S.ActivationFunctionType.RELU)

    w2 = np.zeros([CHANNELS, 1, 1, 4], np.float32)
    w2[:, 0, 0, 3] = -1.0
    w2[RED_CHANNEL, 0, 0, :] = [1.0, 0.0, 0.0, 0.0]
    w2[GREEN_CHANNEL, 0, 0, :] = [0.0, 1.0, 0.0, 0.0]
    grid = conv(b, "grid", f, FEAT_SCALE, w2, np.full(CHANNELS, BIAS), [1, H, W, CHANNELS],
                OUT_SCALE, OUT_ZERO, S.ActivationFunctionType.NONE)

    shape = b.const("output_shape", np.array([1, 4 + CLASSES, W * CHANNELS], np.int32))
    y = b.tensor("output0", [1, 4 + CLASSES, W * CHANNELS], "int8", scale=OUT_SCALE, zero_point=OUT_ZERO)
    opts = S.ReshapeOptionsT()
    opts.newShape = [1, 4 + CLASSES, W * CHANNELS]
    b.op("RESHAPE", [grid, shape], [y], options=opts)
    b.inputs([x])
    b.outputs([y])
    return b.finish()


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "tiny_yolov8.tflite"
    data = build()
    out.write_bytes(data)
    print(f"wrote {out} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
