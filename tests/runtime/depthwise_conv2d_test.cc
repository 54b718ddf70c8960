// Differential test of the optimized int8 DEPTHWISE_CONV_2D compute (the
// portable path on the host) against the reference compute, on random shapes:
// odd channel counts, depth multipliers, strides, dilations, both paddings,
// per-channel and per-tensor scales, extreme offsets and biases that make the
// accumulator wrap.
#include "kernels/arm/depthwise_conv2d.h"

#include <gtest/gtest.h>
#include <stdint.h>

#include <random>
#include <vector>

#include "kernels/padding.h"
#include "kernels/prepare/depthwise_conv2d.h"
#include "kernels/quantization.h"

namespace microml {
namespace {

struct Case {
  DepthwiseParams params;
  DepthwiseShape shape;
  std::vector<int32_t> multipliers;
  std::vector<int8_t> shifts;
  std::vector<int8_t> input;
  std::vector<int8_t> filter;
  std::vector<int32_t> bias;
  bool has_bias;
};

int32_t Uniform(std::mt19937& rng, int32_t lo, int32_t hi) {
  return std::uniform_int_distribution<int32_t>(lo, hi)(rng);
}

void FillInt8(std::mt19937& rng, std::vector<int8_t>* v) {
  for (int8_t& x : *v) x = static_cast<int8_t>(Uniform(rng, -128, 127));
}

Case RandomCase(std::mt19937& rng) {
  Case c;
  DepthwiseShape& s = c.shape;
  DepthwiseParams& d = c.params;
  d = DepthwiseParams{};
  d.kind = DepthwiseKind::kInt8;
  const int32_t multipliers[] = {1, 1, 1, 2, 3, 4, 8};
  d.multiplier = multipliers[Uniform(rng, 0, 6)];
  s.batches = Uniform(rng, 1, 2);
  s.in_h = Uniform(rng, 1, 11);
  s.in_w = Uniform(rng, 1, 11);
  s.in_c = Uniform(rng, 1, 21);
  const bool three = Uniform(rng, 0, 2) != 0;
  s.f_h = three ? 3 : Uniform(rng, 1, 5);
  s.f_w = three ? 3 : Uniform(rng, 1, 5);
  d.stride_h = Uniform(rng, 1, 3);
  d.stride_w = Uniform(rng, 1, 3);
  d.dilation_h = Uniform(rng, 0, 3) == 0 ? Uniform(rng, 2, 4) : 1;
  d.dilation_w = Uniform(rng, 0, 3) == 0 ? Uniform(rng, 2, 4) : 1;
  Padding padding = Uniform(rng, 0, 1) == 0 ? Padding::kSame : Padding::kValid;
  if (WindowOutputSize(Padding::kValid, s.in_h, s.f_h, d.stride_h, d.dilation_h) < 1 ||
      WindowOutputSize(Padding::kValid, s.in_w, s.f_w, d.stride_w, d.dilation_w) < 1) {
    padding = Padding::kSame;
  }
  s.out_h = WindowOutputSize(padding, s.in_h, s.f_h, d.stride_h, d.dilation_h);
  s.out_w = WindowOutputSize(padding, s.in_w, s.f_w, d.stride_w, d.dilation_w);
  s.out_c = s.in_c * d.multiplier;
  int32_t extra = 0;
  d.pad_h = WindowPadding(d.stride_h, d.dilation_h, s.in_h, s.f_h, s.out_h, &extra);
  d.pad_w = WindowPadding(d.stride_w, d.dilation_w, s.in_w, s.f_w, s.out_w, &extra);

  const int32_t zero_points[] = {-128, 127, 0};
  const int32_t pick = Uniform(rng, 0, 5);
  d.input_offset = -(pick < 3 ? zero_points[pick] : Uniform(rng, -128, 127));
  d.output_offset = Uniform(rng, -128, 127);
  d.act_min = Uniform(rng, 0, 3) == 0 ? Uniform(rng, -128, 0) : -128;
  d.act_max = Uniform(rng, 0, 3) == 0 ? Uniform(rng, 0, 127) : 127;

  const bool per_channel = Uniform(rng, 0, 1) == 0;
  const int32_t scales = per_channel ? s.out_c : 1;
  for (int32_t i = 0; i < scales; ++i) {
    // Effective scales from 2^-32 to 2^6: right shifts, none and left shifts.
    const double effective =
        std::ldexp(std::uniform_real_distribution<double>(0.5, 1.0)(rng), Uniform(rng, -31, 7));
    int32_t multiplier = 0;
    int shift = 0;
    QuantizeMultiplier(effective, &multiplier, &shift);
    c.multipliers.push_back(multiplier);
    c.shifts.push_back(static_cast<int8_t>(shift));
  }

  c.input.resize(static_cast<size_t>(s.batches) * s.in_h * s.in_w * s.in_c);
  c.filter.resize(static_cast<size_t>(s.f_h) * s.f_w * s.out_c);
  FillInt8(rng, &c.input);
  FillInt8(rng, &c.filter);
  if (Uniform(rng, 0, 7) == 0) {
    // Extreme values: the largest products, in the worst direction.
    for (int8_t& x : c.input) x = -128;
    for (int8_t& w : c.filter) w = -128;
  }
  c.has_bias = Uniform(rng, 0, 3) != 0;
  c.bias.resize(static_cast<size_t>(s.out_c));
  const bool wrap = Uniform(rng, 0, 3) == 0;
  for (int32_t& b : c.bias) {
    b = wrap ? static_cast<int32_t>(rng()) : Uniform(rng, -20000, 20000);
  }
  return c;
}

void RunCase(Case& c, int index) {
  DepthwiseParams& d = c.params;
  d.scales.multiplier = c.multipliers.data();
  d.scales.shift = c.shifts.data();
  d.scales.step = c.multipliers.size() > 1 ? 1 : 0;
  const DepthwiseShape& s = c.shape;
  const size_t outputs = static_cast<size_t>(s.batches) * s.out_h * s.out_w * s.out_c;
  std::vector<int8_t> expected(outputs, 0);
  std::vector<int8_t> got(outputs, 0x55);
  const int32_t* bias = c.has_bias ? c.bias.data() : nullptr;
  reference::DepthwiseConv2DInt8(d, s, c.input.data(), c.filter.data(), bias, expected.data());
  std::vector<int8_t> scratch(arm::DepthwiseConv2DInt8ScratchBytes(d, s));
  arm::DepthwiseConv2DInt8(d, s, c.input.data(), c.filter.data(), bias, scratch.data(), got.data());
  size_t mismatches = 0;
  for (size_t i = 0; i < outputs; ++i) mismatches += expected[i] != got[i] ? 1 : 0;
  EXPECT_EQ(mismatches, 0u) << "case " << index << ": input " << s.batches << "x" << s.in_h << "x"
                            << s.in_w << "x" << s.in_c << " filter " << s.f_h << "x" << s.f_w
                            << " multiplier " << d.multiplier << " stride " << d.stride_h << "x"
                            << d.stride_w << " dilation " << d.dilation_h << "x" << d.dilation_w
                            << " pad " << d.pad_h << "x" << d.pad_w;
}

TEST(DepthwiseConv2D, OptimizedMatchesReferenceOnRandomCases) {
  std::mt19937 rng(20261202);
  for (int i = 0; i < 3000; ++i) {
    Case c = RandomCase(rng);
    RunCase(c, i);
    if (HasFailure()) break;
  }
}

// A one-tap filter may carry any dilation and a window may lie wholly in the
// padding: the tap ranges must stay empty and exact.
TEST(DepthwiseConv2D, HugeDilationAndAllPaddingWindows) {
  std::mt19937 rng(7);
  Case c = RandomCase(rng);
  DepthwiseShape& s = c.shape;
  DepthwiseParams& d = c.params;
  d.multiplier = 1;
  s = DepthwiseShape{1, 3, 3, 5, 1, 2, 0, 0, 5};
  d.stride_h = d.stride_w = 1;
  d.dilation_h = 1 << 30;
  d.dilation_w = 4;
  s.out_h = WindowOutputSize(Padding::kSame, s.in_h, s.f_h, d.stride_h, d.dilation_h);
  s.out_w = WindowOutputSize(Padding::kSame, s.in_w, s.f_w, d.stride_w, d.dilation_w);
  int32_t extra = 0;
  d.pad_h = WindowPadding(d.stride_h, d.dilation_h, s.in_h, s.f_h, s.out_h, &extra);
  d.pad_w = WindowPadding(d.stride_w, d.dilation_w, s.in_w, s.f_w, s.out_w, &extra);
  c.multipliers.assign(1, 1 << 30);
  c.shifts.assign(1, -3);
  c.input.resize(static_cast<size_t>(s.in_h) * s.in_w * s.in_c);
  c.filter.resize(static_cast<size_t>(s.f_h) * s.f_w * s.out_c);
  c.bias.resize(static_cast<size_t>(s.out_c));
  FillInt8(rng, &c.input);
  FillInt8(rng, &c.filter);
  c.has_bias = true;
  RunCase(c, 0);
}

// Accumulators equal to the inputs (one tap of weight 1, no offsets) against
// the extreme multipliers and every shift: exact ties and -1, where rounding
// is easiest to get wrong.
TEST(DepthwiseConv2D, RequantizationTiesAtEveryShift) {
  std::mt19937 rng(3);
  const int32_t multipliers[] = {1 << 30, (1 << 30) + 1, 3 << 29, INT32_MAX};
  for (int test = 0; test < 4 * 39; ++test) {
    const int32_t multiplier = multipliers[test % 4];
    const int shift = test / 4 - 31;
    Case c = RandomCase(rng);
    DepthwiseParams& d = c.params;
    c.shape = DepthwiseShape{1, 16, 16, 1, 1, 1, 16, 16, 1};
    d.multiplier = 1;
    d.stride_h = d.stride_w = d.dilation_h = d.dilation_w = 1;
    d.pad_h = d.pad_w = 0;
    d.input_offset = 0;
    d.output_offset = 0;
    d.act_min = -128;
    d.act_max = 127;
    c.multipliers.assign(1, multiplier);
    c.shifts.assign(1, static_cast<int8_t>(shift));
    c.input.resize(256);
    for (int i = 0; i < 256; ++i) c.input[static_cast<size_t>(i)] = static_cast<int8_t>(i - 128);
    c.filter.assign(1, 1);
    c.bias.assign(1, 0);
    c.has_bias = false;
    RunCase(c, test);
  }
}

}  // namespace
}  // namespace microml
