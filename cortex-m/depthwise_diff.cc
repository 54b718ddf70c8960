// Random int8 DEPTHWISE_CONV_2D cases for kernel_diff_test: depth multipliers
// 1 to 12 (the DSP and Helium paths' special cases and the scalar fallback),
// odd channel counts, filters 1x1 to 5x5, strides, dilations, SAME / VALID
// padding, per-channel and per-tensor scales with left and right shifts,
// all-(-128) data, biases that make the int32 sums wrap, narrowed clamps;
// narrow images (most pixels on the border) and whole groups of 8 and 16
// channels, which take the Helium band path.
#include <stdint.h>

#include "console.h"
#include "kernel_diff.h"
#include "kernel_diff_random.h"
#include "kernels/arm/depthwise_conv2d.h"
#include "kernels/prepare/depthwise_conv2d.h"

namespace microml_cortex_m {

namespace {

using microml::DepthwiseParams;
using microml::DepthwiseShape;

constexpr int32_t kMaxBatches = 2;
constexpr int32_t kMaxSide = 12;
constexpr int32_t kMaxInC = 64;
constexpr int32_t kMaxOutC = 120;
constexpr int32_t kMaxTaps = 25;

int8_t g_input[kMaxBatches * kMaxSide * kMaxSide * kMaxInC];
int8_t g_filter[kMaxTaps * kMaxOutC];
int32_t g_bias[kMaxOutC];
int32_t g_multiplier[kMaxOutC];
int8_t g_shift[kMaxOutC];
int8_t g_expected[kMaxBatches * kMaxSide * kMaxSide * kMaxOutC];
int8_t g_got[kMaxBatches * kMaxSide * kMaxSide * kMaxOutC];
// The most any case asks for (the Helium band's cap).
int8_t g_scratch[4096];

}  // namespace

bool DepthwiseDiffCase(Rng& rng, int index) {
  DepthwiseParams d = {};
  DepthwiseShape s = {};
  d.kind = microml::DepthwiseKind::kInt8;
  const int32_t multipliers[] = {1, 1, 1, 1, 2, 3, 4, 8, 12};
  d.multiplier = multipliers[rng.Uniform(0, 8)];
  s.batches = rng.Uniform(1, kMaxBatches);
  s.in_h = rng.Uniform(1, kMaxSide);
  s.in_w = rng.Uniform(0, 3) == 0 ? rng.Uniform(1, 5) : rng.Uniform(1, kMaxSide);
  const int32_t groups[] = {8, 16, 24, 32, 48, 64};
  if (d.multiplier != 1) {
    s.in_c = rng.Uniform(1, kMaxOutC / 12);
  } else if (rng.Uniform(0, 2) == 0) {
    s.in_c = groups[rng.Uniform(0, 5)];
  } else {
    s.in_c = rng.Uniform(1, kMaxInC);
  }
  const bool three = rng.Uniform(0, 2) != 0;
  s.f_h = three ? 3 : rng.Uniform(1, 5);
  s.f_w = three ? 3 : rng.Uniform(1, 5);
  s.out_c = s.in_c * d.multiplier;
  RandomWindow(rng, 4, &d, &s);
  RandomInt8Output(rng, &d);
  RandomScales(rng, s.out_c, g_multiplier, g_shift, &d);
  RandomInt8Data(rng, g_input, s.batches * s.in_h * s.in_w * s.in_c, g_filter,
                 s.f_h * s.f_w * s.out_c);
  const int32_t* bias = RandomBias(rng, g_bias, s.out_c);
  microml::reference::DepthwiseConv2DInt8(d, s, g_input, g_filter, bias, g_expected);
  const size_t scratch_bytes = microml::arm::DepthwiseConv2DInt8ScratchBytes(d, s);
  if (scratch_bytes > sizeof(g_scratch)) {
    Print("depthwise case %d: %ld bytes of scratch, the test has %ld\n", index,
          static_cast<long>(scratch_bytes), static_cast<long>(sizeof(g_scratch)));
    return false;
  }
  const int32_t bad = Mismatches(g_expected, g_got, s.batches * s.out_h * s.out_w * s.out_c, [&] {
    microml::arm::DepthwiseConv2DInt8(d, s, g_input, g_filter, bias, g_scratch, g_got);
  });
  if (bad == 0) return true;
  Print(
      "depthwise case %d: %ld mismatches: in %ldx%ldx%ldx%ld filter %ldx%ld multiplier %ld "
      "stride %ldx%ld dilation %ldx%ld pad %ldx%ld\n",
      index, static_cast<long>(bad), static_cast<long>(s.batches), static_cast<long>(s.in_h),
      static_cast<long>(s.in_w), static_cast<long>(s.in_c), static_cast<long>(s.f_h),
      static_cast<long>(s.f_w), static_cast<long>(d.multiplier), static_cast<long>(d.stride_h),
      static_cast<long>(d.stride_w), static_cast<long>(d.dilation_h),
      static_cast<long>(d.dilation_w), static_cast<long>(d.pad_h), static_cast<long>(d.pad_w));
  return false;
}

}  // namespace microml_cortex_m
