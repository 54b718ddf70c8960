// Differential checks of the optimized int8 GEMM core (the path this build
// compiles: portable on the host) against the reference computes: random
// shapes, offsets, per-tensor and per-channel scales, padding, strides and
// dilations, and int32 sums that wrap around.
#include "kernels/arm/gemm_s8.h"

#include <gtest/gtest.h>
#include <stdint.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/arm/conv2d.h"
#include "kernels/arm/fully_connected.h"
#include "kernels/arm/requantize.h"
#include "kernels/quantization.h"

namespace {

using microml::Conv2DParams;
using microml::Conv2DShape;
using microml::FullyConnectedParams;

struct Scales {
  std::vector<int32_t> multiplier;
  std::vector<int8_t> shift;
};

// Multipliers as QuantizeMultiplier makes them from effective scales spanning
// 2^-20 .. 2^4.
Scales RandomScales(std::mt19937& rng, int32_t channels) {
  std::uniform_real_distribution<double> exponent(-20.0, 4.0);
  Scales s;
  for (int32_t c = 0; c < channels; ++c) {
    int32_t m = 0;
    int shift = 0;
    microml::QuantizeMultiplier(std::pow(2.0, exponent(rng)), &m, &shift);
    s.multiplier.push_back(m);
    s.shift.push_back(static_cast<int8_t>(shift));
  }
  return s;
}

std::vector<int8_t> RandomBytes(std::mt19937& rng, size_t n, int lo = -128, int hi = 127) {
  std::uniform_int_distribution<int> value(lo, hi);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(value(rng));
  return v;
}

std::vector<int32_t> RandomBias(std::mt19937& rng, size_t n, bool huge) {
  std::uniform_int_distribution<int32_t> small(-50000, 50000);
  std::uniform_int_distribution<int32_t> any(INT32_MIN, INT32_MAX);
  std::vector<int32_t> v(n);
  for (auto& x : v) x = huge ? any(rng) : small(rng);
  return v;
}

TEST(GemmS8Requantize, MatchesMultiplyByQuantizedMultiplier) {
  std::mt19937 rng(1);
  std::uniform_int_distribution<int32_t> any(INT32_MIN, INT32_MAX);
  std::uniform_int_distribution<int32_t> small(-70000, 70000);
  const int32_t edges[] = {INT32_MIN, INT32_MIN + 1, -1, 0, 1, INT32_MAX - 1, INT32_MAX};
  for (int shift = -31; shift <= 31; ++shift) {
    for (int i = 0; i < 3000; ++i) {
      std::uniform_int_distribution<int32_t> mult(i == 0 ? 0 : 1 << 30, INT32_MAX);
      const int32_t m = mult(rng);
      const int32_t x = i < 7 ? edges[i] : (i % 2 ? any(rng) : small(rng));
      ASSERT_EQ(microml::arm::Requantize(x, m, shift),
                microml::MultiplyByQuantizedMultiplier(x, m, shift))
          << "x " << x << " m " << m << " shift " << shift;
    }
  }
}

struct FcCase {
  int32_t batches, depth, units;
  bool per_channel, has_bias, huge;
  // Input zero point -128 (input offset 128, the one outside int8).
  bool lowest_zero_point = false;
};

void RunFullyConnected(std::mt19937& rng, const FcCase& c) {
  std::uniform_int_distribution<int32_t> zero_point(-128, 127);
  FullyConnectedParams d = {};
  Scales scales = RandomScales(rng, c.per_channel ? c.units : 1);
  d.scales = {scales.multiplier.data(), scales.shift.data(), c.per_channel ? 1 : 0};
  d.input_offset = c.lowest_zero_point ? 128 : -zero_point(rng);
  d.output_offset = zero_point(rng);
  d.act_min = -128 + static_cast<int32_t>(rng() % 40);
  d.act_max = 127 - static_cast<int32_t>(rng() % 40);
  d.batches = c.batches;
  d.depth = c.depth;
  d.units = c.units;
  d.kind = microml::FullyConnectedKind::kInt8;
  // Extreme inputs and weights (with a huge bias) drive the sums round.
  const std::vector<int8_t> input = c.huge ? RandomBytes(rng, c.batches * c.depth, 120, 127)
                                           : RandomBytes(rng, c.batches * c.depth);
  const std::vector<int8_t> filter =
      c.huge ? RandomBytes(rng, c.units * c.depth, 120, 127) : RandomBytes(rng, c.units * c.depth);
  const std::vector<int32_t> bias = RandomBias(rng, c.units, c.huge);
  const int32_t* b = c.has_bias ? bias.data() : nullptr;
  std::vector<int8_t> expected(c.batches * c.units);
  std::vector<int8_t> actual(c.batches * c.units, 0x55);
  microml::reference::FullyConnectedInt8(d, input.data(), filter.data(), b, expected.data());
  microml::arm::FullyConnectedInt8(d, input.data(), filter.data(), b, actual.data());
  ASSERT_EQ(expected, actual) << "batches " << c.batches << " depth " << c.depth << " units "
                              << c.units << " per_channel " << c.per_channel;
}

TEST(GemmS8, FullyConnectedMatchesReference) {
  std::mt19937 rng(2);
  for (int i = 0; i < 400; ++i) {
    const FcCase c = {1 + static_cast<int32_t>(rng() % 5),
                      1 + static_cast<int32_t>(rng() % 90),
                      1 + static_cast<int32_t>(rng() % 150),
                      rng() % 2 == 0,
                      rng() % 4 != 0,
                      false};
    RunFullyConnected(rng, c);
  }
}

// Rows longer than the single-row path widens at a time (256 values), around
// the chunk boundaries, and short rows.
TEST(GemmS8, FullyConnectedRowLengths) {
  std::mt19937 rng(4);
  const int32_t depths[] = {1,   2,   3,   4,   5,   7,   8,   12,  252,
                            255, 256, 257, 260, 511, 512, 513, 640, 1027};
  for (const int32_t depth : depths) {
    for (int32_t units = 1; units <= 9; ++units) {
      for (int32_t batches = 1; batches <= 3; batches += 2) {
        FcCase c = {batches, depth, units, units % 2 == 0, units % 3 != 0, false};
        c.lowest_zero_point = units % 4 == 1;
        RunFullyConnected(rng, c);
      }
    }
  }
}

TEST(GemmS8, FullyConnectedWrapsLikeReference) {
  std::mt19937 rng(3);
  // 127 * 254 * 70000 > 2^31: every sum wraps at least once.
  const FcCase cases[] = {{1, 70000, 3, true, true, true},
                          {2, 66000, 5, false, true, true},
                          {3, 17, 9, true, true, true}};
  for (const FcCase& c : cases) RunFullyConnected(rng, c);
}

struct ConvCase {
  Conv2DShape s;
  int32_t stride_h, stride_w, dilation_h, dilation_w, pad_h, pad_w;
  bool per_channel, has_bias;
};

void RunConv(std::mt19937& rng, const ConvCase& c) {
  std::uniform_int_distribution<int32_t> zero_point(-128, 127);
  const Conv2DShape& s = c.s;
  Conv2DParams d = {};
  Scales scales = RandomScales(rng, c.per_channel ? s.out_c : 1);
  d.scales = {scales.multiplier.data(), scales.shift.data(), c.per_channel ? 1 : 0};
  d.input_offset = -zero_point(rng);
  d.output_offset = zero_point(rng);
  d.act_min = -128;
  d.act_max = 127 - static_cast<int32_t>(rng() % 20);
  d.stride_h = c.stride_h;
  d.stride_w = c.stride_w;
  d.dilation_h = c.dilation_h;
  d.dilation_w = c.dilation_w;
  d.pad_h = c.pad_h;
  d.pad_w = c.pad_w;
  d.kind = microml::Conv2DKind::kInt8;
  const std::vector<int8_t> input = RandomBytes(rng, s.batches * s.in_h * s.in_w * s.in_c);
  const std::vector<int8_t> filter = RandomBytes(rng, s.out_c * s.f_h * s.f_w * s.f_c);
  const std::vector<int32_t> bias = RandomBias(rng, s.out_c, false);
  const int32_t* b = c.has_bias ? bias.data() : nullptr;
  const size_t out_n = static_cast<size_t>(s.batches * s.out_h * s.out_w * s.out_c);
  std::vector<int8_t> expected(out_n);
  std::vector<int8_t> actual(out_n, 0x55);
  std::vector<int8_t> scratch(microml::arm::Conv2DInt8ScratchBytes(d, s) + 1);
  microml::reference::Conv2DInt8(d, s, input.data(), filter.data(), b, expected.data());
  microml::arm::Conv2DInt8(d, s, input.data(), filter.data(), b, scratch.data(), actual.data());
  ASSERT_EQ(expected, actual) << "in " << s.in_h << "x" << s.in_w << "x" << s.in_c << " filter "
                              << s.out_c << "x" << s.f_h << "x" << s.f_w << "x" << s.f_c
                              << " stride " << c.stride_h << "," << c.stride_w << " dilation "
                              << c.dilation_h << "," << c.dilation_w << " pad " << c.pad_h << ","
                              << c.pad_w;
}

int32_t OutSize(int32_t in, int32_t filter, int32_t stride, int32_t dilation, int32_t pad) {
  const int32_t span = (filter - 1) * dilation + 1;
  return (in + 2 * pad - span) / stride + 1;
}

TEST(GemmS8, Conv2DMatchesReference) {
  std::mt19937 rng(4);
  auto pick = [&rng](int32_t lo, int32_t hi) {
    return lo + static_cast<int32_t>(rng() % static_cast<uint32_t>(hi - lo + 1));
  };
  for (int i = 0; i < 300; ++i) {
    ConvCase c = {};
    Conv2DShape& s = c.s;
    const bool pointwise = i % 3 == 0;
    s.batches = pick(1, 2);
    s.in_h = pick(1, 9);
    s.in_w = pick(1, 9);
    s.in_c = pick(1, 24);
    s.f_h = pointwise ? 1 : pick(1, std::min(s.in_h, 4));
    s.f_w = pointwise ? 1 : pick(1, std::min(s.in_w, 4));
    // Some grouped convolutions, which go to the reference compute.
    s.f_c = i % 10 == 5 && s.in_c % 2 == 0 ? s.in_c / 2 : s.in_c;
    s.out_c = pick(1, 80) * (s.in_c / s.f_c);
    c.stride_h = pick(1, 3);
    c.stride_w = pick(1, 3);
    c.dilation_h = pointwise || i % 4 != 0 ? 1 : pick(1, 2);
    c.dilation_w = pointwise || i % 4 != 1 ? 1 : pick(1, 2);
    c.pad_h = pointwise ? 0 : pick(0, s.f_h - 1);
    c.pad_w = pointwise ? 0 : pick(0, s.f_w - 1);
    s.out_h = OutSize(s.in_h, s.f_h, c.stride_h, c.dilation_h, c.pad_h);
    s.out_w = OutSize(s.in_w, s.f_w, c.stride_w, c.dilation_w, c.pad_w);
    if (s.out_h < 1 || s.out_w < 1) continue;
    c.per_channel = rng() % 2 == 0;
    c.has_bias = rng() % 4 != 0;
    RunConv(rng, c);
  }
}

TEST(GemmS8, Conv2DAudioShapes) {
  std::mt19937 rng(5);
  // kws's first layer (10x4 over 49x10x1, stride 2, SAME) and a 1xN / Nx1 pair.
  const ConvCase cases[] = {{{1, 49, 10, 1, 10, 4, 1, 25, 5, 64}, 2, 2, 1, 1, 4, 1, true, true},
                            {{1, 1, 40, 8, 1, 5, 8, 1, 36, 12}, 1, 1, 1, 1, 0, 0, false, true},
                            {{1, 30, 1, 3, 7, 1, 3, 12, 1, 70}, 2, 1, 1, 1, 0, 0, true, false}};
  for (const ConvCase& c : cases) RunConv(rng, c);
}

}  // namespace
