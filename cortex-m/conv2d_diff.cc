// Random int8 CONV_2D cases for kernel_diff_test: 1x1 filters (direct GEMM,
// strided), 3x3 and other filters up to 5x5 (im2col, widened or not), 1xN and
// Nx1 audio shapes, odd channel counts, strides, dilations, SAME / VALID
// padding, grouped filters (the reference fallback), input zero points -128,
// 127, 0 and random, per-channel and per-tensor scales with left and right
// shifts, all-(-128) data, biases that make the int32 sums wrap, narrowed
// clamps.
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "console.h"
#include "kernel_diff.h"
#include "kernels/arm/conv2d.h"
#include "kernels/padding.h"
#include "kernels/prepare/conv2d.h"
#include "kernels/quantization.h"

namespace microml_cortex_m {

namespace {

using microml::Conv2DParams;
using microml::Conv2DShape;
using microml::Padding;
using microml::WindowOutputSize;

constexpr int32_t kMaxBatches = 2;
constexpr int32_t kMaxSide = 10;
constexpr int32_t kMaxInC = 24;
constexpr int32_t kMaxOutC = 40;
constexpr int32_t kMaxTaps = 25;
constexpr size_t kScratchBytes = 16384;

int8_t g_input[kMaxBatches * kMaxSide * kMaxSide * kMaxInC];
int8_t g_filter[kMaxOutC * kMaxTaps * kMaxInC];
int32_t g_bias[kMaxOutC];
int32_t g_multiplier[kMaxOutC];
int8_t g_shift[kMaxOutC];
int8_t g_scratch[kScratchBytes];
int8_t g_expected[kMaxBatches * kMaxSide * kMaxSide * kMaxOutC];
int8_t g_got[kMaxBatches * kMaxSide * kMaxSide * kMaxOutC];

}  // namespace

bool Conv2DDiffCase(Rng& rng, int index) {
  Conv2DParams d = {};
  Conv2DShape s = {};
  d.kind = microml::Conv2DKind::kInt8;
  s.batches = rng.Uniform(1, kMaxBatches);
  s.in_h = rng.Uniform(1, kMaxSide);
  s.in_w = rng.Uniform(1, kMaxSide);
  const int32_t groups = rng.Uniform(0, 7) == 0 ? rng.Uniform(2, 3) : 1;
  s.f_c = rng.Uniform(1, kMaxInC / groups);
  s.in_c = s.f_c * groups;
  s.out_c = groups * rng.Uniform(1, kMaxOutC / groups);
  switch (rng.Uniform(0, 4)) {
    case 0:  // 1x1
      s.f_h = s.f_w = 1;
      break;
    case 1:
      s.f_h = s.f_w = 3;
      break;
    case 2:  // audio: 1xN or Nx1
      s.f_h = rng.Uniform(0, 1) == 0 ? 1 : rng.Uniform(2, 5);
      s.f_w = s.f_h == 1 ? rng.Uniform(2, 5) : 1;
      break;
    default:
      s.f_h = rng.Uniform(1, 5);
      s.f_w = rng.Uniform(1, 5);
  }
  d.stride_h = rng.Uniform(1, 3);
  d.stride_w = rng.Uniform(1, 3);
  d.dilation_h = rng.Uniform(0, 3) == 0 ? rng.Uniform(2, 3) : 1;
  d.dilation_w = rng.Uniform(0, 3) == 0 ? rng.Uniform(2, 3) : 1;
  Padding padding = rng.Uniform(0, 1) == 0 ? Padding::kSame : Padding::kValid;
  if (WindowOutputSize(Padding::kValid, s.in_h, s.f_h, d.stride_h, d.dilation_h) < 1 ||
      WindowOutputSize(Padding::kValid, s.in_w, s.f_w, d.stride_w, d.dilation_w) < 1) {
    padding = Padding::kSame;
  }
  s.out_h = WindowOutputSize(padding, s.in_h, s.f_h, d.stride_h, d.dilation_h);
  s.out_w = WindowOutputSize(padding, s.in_w, s.f_w, d.stride_w, d.dilation_w);
  int32_t extra = 0;
  d.pad_h = microml::WindowPadding(d.stride_h, d.dilation_h, s.in_h, s.f_h, s.out_h, &extra);
  d.pad_w = microml::WindowPadding(d.stride_w, d.dilation_w, s.in_w, s.f_w, s.out_w, &extra);
  const int32_t zero_points[] = {-128, 127, 0};
  const int32_t pick = rng.Uniform(0, 5);
  d.input_offset = -(pick < 3 ? zero_points[pick] : rng.Uniform(-128, 127));
  d.output_offset = rng.Uniform(-128, 127);
  d.act_min = rng.Uniform(0, 3) == 0 ? rng.Uniform(-128, 0) : -128;
  d.act_max = rng.Uniform(0, 3) == 0 ? rng.Uniform(0, 127) : 127;
  const bool per_channel = rng.Uniform(0, 1) == 0;
  const int32_t scales = per_channel ? s.out_c : 1;
  for (int32_t i = 0; i < scales; ++i) {
    // Effective scales from 2^-32 to 2^7: right and left shifts.
    const double scale =
        ldexp(0.5 + static_cast<double>(rng.Next() % 1000000) / 2000000.0, rng.Uniform(-31, 7));
    int shift = 0;
    microml::QuantizeMultiplier(scale, &g_multiplier[i], &shift);
    g_shift[i] = static_cast<int8_t>(shift);
  }
  d.scales.multiplier = g_multiplier;
  d.scales.shift = g_shift;
  d.scales.step = per_channel ? 1 : 0;
  const int32_t n_input = s.batches * s.in_h * s.in_w * s.in_c;
  const int32_t n_filter = s.out_c * s.f_h * s.f_w * s.f_c;
  const bool extreme = rng.Uniform(0, 7) == 0;
  for (int32_t i = 0; i < n_input; ++i) {
    g_input[i] = extreme ? -128 : static_cast<int8_t>(rng.Uniform(-128, 127));
  }
  for (int32_t i = 0; i < n_filter; ++i) {
    g_filter[i] = extreme ? -128 : static_cast<int8_t>(rng.Uniform(-128, 127));
  }
  const bool has_bias = rng.Uniform(0, 3) != 0;
  const bool wrap = rng.Uniform(0, 3) == 0;
  for (int32_t i = 0; i < s.out_c; ++i) {
    g_bias[i] = wrap ? static_cast<int32_t>(rng.Next()) : rng.Uniform(-20000, 20000);
  }
  if (microml::arm::Conv2DInt8ScratchBytes(d, s) > kScratchBytes) {
    Print("conv2d case %d: needs %zu bytes of scratch, the test has %zu\n", index,
          microml::arm::Conv2DInt8ScratchBytes(d, s), kScratchBytes);
    return false;
  }
  const int32_t n_output = s.batches * s.out_h * s.out_w * s.out_c;
  // A byte the optimized compute fails to write shows as a mismatch.
  memset(g_got, 0x55, static_cast<size_t>(n_output));
  const int32_t* bias = has_bias ? g_bias : nullptr;
  microml::reference::Conv2DInt8(d, s, g_input, g_filter, bias, g_expected);
  microml::arm::Conv2DInt8(d, s, g_input, g_filter, bias, g_scratch, g_got);
  int32_t bad = 0;
  for (int32_t i = 0; i < n_output; ++i) bad += g_expected[i] != g_got[i];
  if (bad == 0) return true;
  Print(
      "conv2d case %d: %ld mismatches: in %ldx%ldx%ldx%ld filter %ldx%ldx%ld out_c %ld stride "
      "%ldx%ld dilation %ldx%ld pad %ldx%ld input offset %ld\n",
      index, static_cast<long>(bad), static_cast<long>(s.batches), static_cast<long>(s.in_h),
      static_cast<long>(s.in_w), static_cast<long>(s.in_c), static_cast<long>(s.f_h),
      static_cast<long>(s.f_w), static_cast<long>(s.f_c), static_cast<long>(s.out_c),
      static_cast<long>(d.stride_h), static_cast<long>(d.stride_w), static_cast<long>(d.dilation_h),
      static_cast<long>(d.dilation_w), static_cast<long>(d.pad_h), static_cast<long>(d.pad_w),
      static_cast<long>(d.input_offset));
  return false;
}

}  // namespace microml_cortex_m
