// Random int8 CONV_2D cases for kernel_diff_test: 1x1 filters (direct GEMM,
// strided), 3x3 and other filters up to 5x5 (im2col, widened or not), 1xN and
// Nx1 audio shapes, odd channel counts, strides, dilations, SAME / VALID
// padding, grouped filters (the reference fallback), input zero points -128,
// 127, 0 and random, per-channel and per-tensor scales with left and right
// shifts, all-(-128) data, biases that make the int32 sums wrap, narrowed
// clamps.
#include <stdint.h>

#include "console.h"
#include "kernel_diff.h"
#include "kernel_diff_random.h"
#include "kernels/arm/conv2d.h"
#include "kernels/prepare/conv2d.h"

namespace microml_cortex_m {

namespace {

using microml::Conv2DParams;
using microml::Conv2DShape;

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
  RandomWindow(rng, 3, &d, &s);
  RandomInt8Output(rng, &d);
  RandomScales(rng, s.out_c, g_multiplier, g_shift, &d);
  RandomInt8Data(rng, g_input, s.batches * s.in_h * s.in_w * s.in_c, g_filter,
                 s.out_c * s.f_h * s.f_w * s.f_c);
  const int32_t* bias = RandomBias(rng, g_bias, s.out_c);
  if (microml::arm::Conv2DInt8ScratchBytes(d, s) > kScratchBytes) {
    Print("conv2d case %d: needs %zu bytes of scratch, the test has %zu\n", index,
          microml::arm::Conv2DInt8ScratchBytes(d, s), kScratchBytes);
    return false;
  }
  microml::reference::Conv2DInt8(d, s, g_input, g_filter, bias, g_expected);
  const int32_t bad = Mismatches(g_expected, g_got, s.batches * s.out_h * s.out_w * s.out_c, [&] {
    microml::arm::Conv2DInt8(d, s, g_input, g_filter, bias, g_scratch, g_got);
  });
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
