"""Row bands (--arena-tradeoff row_bands): seeded chains of window operators
(CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, MAX_POOL_2D) in int8, int16 and
float32, of random geometry - filter sizes, strides, dilation, depth
multipliers, odd widths and channel counts - mostly without top padding so
that pairs qualify. Forced into row bands, each chain runs a few operator
pairs a band of rows at a time (inspect must report at least one pair) and
its output must equal the tflite-micro package's: bit for bit for the
integer types, within 1e-5 relative for float32. Twice per run, so the band
buffers' reuse is checked too."""
from __future__ import annotations

import json
import sys

import numpy as np
import pytest

import microml_test_util as util

sys.path.insert(0, str(util.REPO / "tests" / "fixtures" / "ops"))
from tflite_builder import ModelBuilder, S  # noqa: E402
from tflite_micro.python.tflite_micro import runtime  # noqa: E402

CHAINS = 60
TYPES = ["int8", "int16", "float32"]


def window_out(size, extent, stride, valid):
    return (size - extent) // stride + 1 if valid else -(-size // stride)


class Chain:
    """Window operators of one activation type, each reading the previous."""

    def __init__(self, rng, dtype):
        self.rng = rng
        self.dtype = dtype
        self.b = ModelBuilder("microml row band chain")
        self.count = 0

    def activation(self, shape):
        self.count += 1
        quant = {}
        if self.dtype == "int8":
            quant = {"scale": 0.05, "zero_point": -3}
        elif self.dtype == "int16":
            quant = {"scale": 0.002, "zero_point": 0}
        t = self.b.tensor("t%d" % self.count, shape, self.dtype, **quant)
        self.shape = list(shape)
        return t

    def weights(self, shape, channels, axis):
        if self.dtype == "float32":
            w = self.rng.uniform(-1, 1, size=shape).astype(np.float32)
            b = self.rng.uniform(-1, 1, size=channels).astype(np.float32)
            return self.b.const("w%d" % self.count, w), self.b.const("b%d" % self.count, b)
        w = self.rng.integers(-127, 128, size=shape).astype(np.int8)
        scales = [float(s) for s in self.rng.uniform(0.002, 0.02, size=channels)]
        f = self.b.const("w%d" % self.count, w, scale=scales, zero_point=[0] * channels,
                         quantized_dimension=axis)
        act = 0.05 if self.dtype == "int8" else 0.002
        bias_type = np.int32 if self.dtype == "int8" else np.int64
        b = self.rng.integers(-2000, 2000, size=channels).astype(bias_type)
        bb = self.b.const("b%d" % self.count, b, scale=[act * s for s in scales],
                          zero_point=[0] * channels)
        return f, bb

    def conv(self, x, kh, kw, stride, dilation, channels, valid):
        _, h, w, c = self.shape
        f, bb = self.weights((channels, kh, kw, c), channels, 0)
        y = self.activation([1, window_out(h, (kh - 1) * dilation + 1, stride, valid),
                             window_out(w, (kw - 1) * dilation + 1, stride, valid), channels])
        o = S.Conv2DOptionsT()
        o.padding = S.Padding.VALID if valid else S.Padding.SAME
        o.strideH, o.strideW = stride, stride
        o.dilationHFactor = o.dilationWFactor = dilation
        o.fusedActivationFunction = S.ActivationFunctionType.RELU
        self.b.op("CONV_2D", [x, f, bb], [y], options=o, version=3)
        return y

    def depthwise(self, x, k, stride, multiplier, valid):
        _, h, w, in_c = self.shape
        c = in_c * multiplier
        f, bb = self.weights((1, k, k, c), c, 3)
        y = self.activation([1, window_out(h, k, stride, valid), window_out(w, k, stride, valid),
                             c])
        o = S.DepthwiseConv2DOptionsT()
        o.padding = S.Padding.VALID if valid else S.Padding.SAME
        o.strideH, o.strideW, o.depthMultiplier = stride, stride, multiplier
        o.dilationHFactor = o.dilationWFactor = 1
        self.b.op("DEPTHWISE_CONV_2D", [x, f, bb], [y], options=o, version=3)
        return y

    def pool(self, x, k, stride, average, valid):
        _, h, w, c = self.shape
        y = self.activation([1, window_out(h, k, stride, valid), window_out(w, k, stride, valid),
                             c])
        o = S.Pool2DOptionsT()
        o.padding = S.Padding.VALID if valid else S.Padding.SAME
        o.strideH, o.strideW, o.filterHeight, o.filterWidth = stride, stride, k, k
        self.b.op("AVERAGE_POOL_2D" if average else "MAX_POOL_2D", [x], [y], options=o,
                  version=2)
        return y


def band_chain(seed, dtype):
    """2 to 5 operators; the first two without top padding (VALID, or a 1x1
    filter), later ones SAME with a 3x3 filter one time in five."""
    rng = np.random.default_rng(seed)
    g = Chain(rng, dtype)
    x = g.activation([1, int(rng.integers(10, 31)), int(rng.integers(1, 15)),
                      int(rng.integers(1, 9))])
    y = x
    for step in range(int(rng.integers(2, 6))):
        _, h, w, c = g.shape
        padded = step >= 2 and rng.random() < 0.2
        kind = rng.random()
        if kind < 0.4:
            kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
            dilation = 2 if rng.random() < 0.2 else 1
            stride = int(rng.integers(1, 3))
            valid = (kh > 1 or kw > 1) and not padded
            if valid and (h <= (kh - 1) * dilation + 1 or w < (kw - 1) * dilation + 1):
                kh = kw = 1
                valid = False
            if padded:
                kh = kw = 3
                dilation = 1
            y = g.conv(y, kh, kw, stride, dilation, int(rng.integers(1, 25)), valid)
        elif kind < 0.8:
            k = 3 if padded else int(rng.choice([1, 2, 3]))
            valid = k > 1 and not padded
            if valid and (h <= k or w < k):
                k, valid = 1, False
            multiplier = int(rng.choice([1, 1, 2, 4])) if c <= 8 else 1
            y = g.depthwise(y, k, int(rng.integers(1, 3)), multiplier, valid)
        else:
            k = 3 if padded else int(rng.integers(2, 4))
            valid = not padded
            if valid and (h <= k or w < k):
                k = 1
            y = g.pool(y, k, int(rng.integers(1, 3)), rng.random() < 0.5, valid)
    g.b.inputs([x])
    g.b.outputs([y])
    return g.b.finish(), g.shape


def tflm_output(model, x):
    interp = runtime.Interpreter.from_bytes(model, arena_size=8 << 20)
    interp.set_input(x, 0)
    interp.invoke()
    return np.array(interp.get_output(0))


@pytest.mark.suite("arena limit", "row bands equal TFLM")
@pytest.mark.parametrize("dtype", TYPES)
@pytest.mark.parametrize("seed", range(CHAINS))
def test_band_chain(cli, seed, dtype, tmp_path, monkeypatch):
    model, out_shape = band_chain(seed, dtype)
    path = tmp_path / "chain.tflite"
    path.write_bytes(model)
    rng = np.random.default_rng(seed + 5000)
    in_shape = json.loads(cli.check(cli("inspect", path, "--json")).stdout_text)
    in_shape = in_shape["inputs"][0]["shape"]
    if dtype == "float32":
        x = rng.uniform(-2, 2, size=in_shape).astype(np.float32)
    elif dtype == "int16":
        x = rng.integers(-32768, 32768, size=in_shape).astype(np.int16)
    else:
        x = rng.integers(-128, 128, size=in_shape).astype(np.int8)
    (tmp_path / "input0.bin").write_bytes(x.tobytes())
    want = tflm_output(model, x)
    assert list(want.shape) == out_shape
    for kernels in ("optimized", "reference"):
        monkeypatch.setenv("MICROML_KERNELS", kernels)
        report = json.loads(cli.check(cli("inspect", path, "--json", "--arena-tradeoff",
                                          "row_bands")).stdout_text)
        assert report["arena_tradeoff"] == "row_bands"
        assert report["band_pairs"] >= 1, "seed %d: no operator pair runs in row bands" % seed
        got = cli.run_ok(path, [tmp_path / "input0.bin"], tmp_path / kernels, 1,
                         "--arena-tradeoff", "row_bands", "--repeat", "2")[0]
        problem = util.compare_outputs(got, want, want.dtype, "output")
        assert problem is None, "seed %d, %s, %s kernels: %s" % (seed, dtype, kernels, problem)
