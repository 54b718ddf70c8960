// DEPTHWISE_CONV_2D int8 on Helium (Cortex-M55). Depth multiplier 1: groups
// of 16 or 8 channels, inputs and weights widened to 16-bit lanes and
// multiplied by VMULLB / VMULLT into 32-bit even / odd lanes, horizontally
// adjacent interior pixels of a 3x3 filter two at a time (sharing the weight
// loads and the pixel walk); the channels left over four at a time in 32-bit
// lanes. Multipliers that are multiples of 8 or 4: one shared input times two
// or one vectors of weights. Whole groups use unpredicated vectors (each
// predicated instruction costs a VPST more); the rest go one channel at a
// time.
#include "kernels/arm/depthwise_window.h"

#if defined(__ARM_FEATURE_MVE)

#include <arm_mve.h>

#include "kernels/arm/requantize.h"

namespace microml {
namespace arm {
namespace depthwise {

namespace {

// Four channels' window sum; kShared: the four share one input channel (depth
// multiplier a multiple of 4), else each reads its own (multiplier 1).
// Helium has no lane-wise multiply-accumulate of two vectors: VMUL + VADD.
// The accumulate loops are kept out of line: inlined into the pixel walk,
// with its many live values, their operands get spilled.
template <bool kShared, bool kOffset>
__attribute__((noinline)) int32x4_t AccumulateLanes(const Window& win, int32x4_t acc,
                                                    int32_t offset) {
  const int8_t* in = win.in;
  const int8_t* w = win.w;
  for (int32_t r = 0; r < win.rows; ++r) {
    const int8_t* x = in;
    const int8_t* f = w;
    for (int32_t c = 0; c < win.cols; ++c) {
      const int32x4_t weights = vldrbq_s32(f);
      if (kShared) {
        acc = vmlaq_n_s32(acc, weights, kOffset ? *x + offset : *x);
      } else {
        int32x4_t value = vldrbq_s32(x);
        if (kOffset) value = vaddq_n_s32(value, offset);
        acc = vaddq_s32(acc, vmulq_s32(value, weights));
      }
      x += win.in_col_step;
      f += win.w_col_step;
    }
    in += win.in_row_step;
    w += win.w_row_step;
  }
  return acc;
}

// Multiplier 1, a whole 3x3 window: the nine taps written out.
__attribute__((noinline)) int32x4_t Accumulate3x3(const Window& win, int32x4_t acc) {
  const int8_t* x = win.in;
  const int8_t* f = win.w;
  const int32_t xs = win.in_col_step;
  const int32_t fs = win.w_col_step;
  for (int32_t r = 0; r < 3; ++r) {
    acc = vaddq_s32(acc, vmulq_s32(vldrbq_s32(x), vldrbq_s32(f)));
    acc = vaddq_s32(acc, vmulq_s32(vldrbq_s32(x + xs), vldrbq_s32(f + fs)));
    acc = vaddq_s32(acc, vmulq_s32(vldrbq_s32(x + 2 * xs), vldrbq_s32(f + 2 * fs)));
    x += win.in_row_step;
    f += win.w_row_step;
  }
  return acc;
}

// Eight channels' window sums: channels 0, 2, 4, 6 and 1, 3, 5, 7.
struct Lanes8 {
  int32x4_t even;
  int32x4_t odd;
};

// Multiplier 1, kParts groups of eight channels: inputs and weights widen
// to 16-bit lanes (|input + offset| <= 255 fits) and VMULLB / VMULLT multiply
// the even and odd lanes into 32 bits: three instructions for eight
// products, not four for four.
template <int kParts>
inline void Tap8(const int8_t* x, const int8_t* f, bool add_offset, int16_t offset, Lanes8* acc) {
  for (int32_t part = 0; part < kParts; ++part) {
    int16x8_t value = vldrbq_s16(x + 8 * part);
    if (add_offset) value = vaddq_n_s16(value, offset);
    const int16x8_t weights = vldrbq_s16(f + 8 * part);
    acc[part].even = vaddq_s32(acc[part].even, vmullbq_int_s16(value, weights));
    acc[part].odd = vaddq_s32(acc[part].odd, vmulltq_int_s16(value, weights));
  }
}

template <bool kOffset, int kParts>
__attribute__((noinline)) void AccumulateLanes8(const Window& win, int32_t offset, Lanes8* out) {
  Lanes8 acc[kParts];
  for (int32_t part = 0; part < kParts; ++part) acc[part] = out[part];
  const int8_t* in = win.in;
  const int8_t* w = win.w;
  for (int32_t r = 0; r < win.rows; ++r) {
    const int8_t* x = in;
    const int8_t* f = w;
    for (int32_t c = 0; c < win.cols; ++c) {
      Tap8<kParts>(x, f, kOffset, static_cast<int16_t>(offset), acc);
      x += win.in_col_step;
      f += win.w_col_step;
    }
    in += win.in_row_step;
    w += win.w_row_step;
  }
  for (int32_t part = 0; part < kParts; ++part) out[part] = acc[part];
}

// AccumulateLanes8 over a whole 3x3 window, the taps written out.
template <int kParts>
__attribute__((noinline)) void Accumulate3x3x8(const Window& win, Lanes8* out) {
  Lanes8 acc[kParts];
  for (int32_t part = 0; part < kParts; ++part) acc[part] = out[part];
  const int8_t* x = win.in;
  const int8_t* f = win.w;
  const int32_t xs = win.in_col_step;
  const int32_t fs = win.w_col_step;
  for (int32_t r = 0; r < 3; ++r) {
    Tap8<kParts>(x, f, false, 0, acc);
    Tap8<kParts>(x + xs, f + fs, false, 0, acc);
    Tap8<kParts>(x + 2 * xs, f + 2 * fs, false, 0, acc);
    x += win.in_row_step;
    f += win.w_row_step;
  }
  for (int32_t part = 0; part < kParts; ++part) out[part] = acc[part];
}

// Accumulate3x3x8 for two pixels at once, the second `next` input elements
// after the first: each weight vector loaded once serves both. Both start
// from init ([part][0]: even channels, [part][1]: odd ones).
template <int kParts>
__attribute__((noinline)) void Accumulate3x3x8Pair(const Window& win, int32_t next,
                                                   const int32_t (*init)[2][4], Lanes8* out0,
                                                   Lanes8* out1) {
  const int32_t xs = win.in_col_step;
  const int32_t fs = win.w_col_step;
  // One part at a time: four accumulators, the weights and one input fit the
  // eight vector registers.
#pragma GCC unroll 1
  for (int32_t part = 0; part < kParts; ++part) {
    int32x4_t even0 = vldrwq_s32(init[part][0]);
    int32x4_t odd0 = vldrwq_s32(init[part][1]);
    int32x4_t even1 = even0;
    int32x4_t odd1 = odd0;
    const int8_t* x = win.in + 8 * part;
    const int8_t* f = win.w + 8 * part;
#pragma GCC unroll 1
    for (int32_t r = 0; r < 3; ++r) {
      const int8_t* xc = x;
      const int8_t* fc = f;
#pragma GCC unroll 1
      for (int32_t c = 0; c < 3; ++c) {
        const int16x8_t weights = vldrbq_s16(fc);
        int16x8_t value = vldrbq_s16(xc);
        even0 = vaddq_s32(even0, vmullbq_int_s16(value, weights));
        odd0 = vaddq_s32(odd0, vmulltq_int_s16(value, weights));
        value = vldrbq_s16(xc + next);
        even1 = vaddq_s32(even1, vmullbq_int_s16(value, weights));
        odd1 = vaddq_s32(odd1, vmulltq_int_s16(value, weights));
        xc += xs;
        fc += fs;
      }
      x += win.in_row_step;
      f += win.w_row_step;
    }
    out0[part].even = even0;
    out0[part].odd = odd0;
    out1[part].even = even1;
    out1[part].odd = odd1;
  }
}

// The requantization of eight channels split into even and odd lanes.
struct Scale8 {
  MveScale even;
  MveScale odd;
};

// Requantizes, clamps and stores eight channels' sums.
inline void Store8(const Lanes8& acc, const Scale8& scale, int32_t output_offset, int32x4_t act_min,
                   int32x4_t act_max, int8_t* out) {
  int32x4_t even = vaddq_n_s32(RequantizeMve(acc.even, scale.even), output_offset);
  int32x4_t odd = vaddq_n_s32(RequantizeMve(acc.odd, scale.odd), output_offset);
  even = vminq_s32(vmaxq_s32(even, act_min), act_max);
  odd = vminq_s32(vmaxq_s32(odd, act_min), act_max);
  // Even lanes to the bottom halfwords, odd to the top: channel order again.
  vstrbq_s16(out, vmovntq_s32(vmovnbq_s32(vdupq_n_s16(0), even), odd));
}

// Multiplier 1: output channels [first, end) in groups of 8 * kParts (a
// whole number of them), the per-channel values split into even and odd
// lanes. A 3x3 filter takes the interior pixels two at a time.
template <bool k3x3, int kParts>
void ChannelsDepth1x8(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                      const int8_t* filter, const int32_t* bias, int8_t* output, int32_t first,
                      int32_t end) {
  constexpr int32_t kGroup = 8 * kParts;
  const int32_t taps = s.f_h * s.f_w;
  const int32x4_t act_min = vdupq_n_s32(d.act_min);
  const int32x4_t act_max = vdupq_n_s32(d.act_max);
  const int32_t input_offset = d.input_offset;
  const int32_t output_offset = d.output_offset;
  const int32_t next = d.stride_w * s.in_c;
  for (int32_t oc = first; oc < end; oc += kGroup) {
    // [part][0]: even channels of the part, [part][1]: odd ones.
    int32_t start[kParts][2][4];
    int32_t folded[kParts][2][4];
    int32_t multiplier[kParts][2][4];
    int32_t shift[kParts][2][4];
    for (int32_t k = 0; k < kGroup; ++k) {
      const int32_t b = bias != nullptr ? bias[oc + k] : 0;
      uint32_t weight_sum = 0;
      for (int32_t t = 0; t < taps; ++t) {
        weight_sum += static_cast<uint32_t>(filter[t * s.out_c + oc + k]);
      }
      const int32_t q = (oc + k) * d.scales.step;
      const int32_t part = k >> 3;
      const int32_t odd = k & 1;
      const int32_t lane = (k & 7) >> 1;
      start[part][odd][lane] = b;
      folded[part][odd][lane] = FoldOffset(b, weight_sum, input_offset);
      multiplier[part][odd][lane] = d.scales.multiplier[q];
      shift[part][odd][lane] = d.scales.shift[q];
    }
    // Split once here, not at every pixel.
    Scale8 scale[kParts];
    for (int32_t part = 0; part < kParts; ++part) {
      scale[part].even = MveScaleOf(vldrwq_s32(multiplier[part][0]), vldrwq_s32(shift[part][0]));
      scale[part].odd = MveScaleOf(vldrwq_s32(multiplier[part][1]), vldrwq_s32(shift[part][1]));
    }
    const auto pixel = [&](const Window& win, bool interior, int8_t* out) {
      Lanes8 acc[kParts];
      for (int32_t part = 0; part < kParts; ++part) {
        const int32_t(*init)[4] = interior ? folded[part] : start[part];
        acc[part].even = vldrwq_s32(init[0]);
        acc[part].odd = vldrwq_s32(init[1]);
      }
      if (!interior) {
        AccumulateLanes8<true, kParts>(win, input_offset, acc);
      } else if (k3x3) {
        Accumulate3x3x8<kParts>(win, acc);
      } else {
        AccumulateLanes8<false, kParts>(win, 0, acc);
      }
      for (int32_t part = 0; part < kParts; ++part) {
        Store8(acc[part], scale[part], output_offset, act_min, act_max, out + 8 * part);
      }
    };
    const auto pair = [&](const Window& win, int8_t* out) {
      Lanes8 acc0[kParts];
      Lanes8 acc1[kParts];
      Accumulate3x3x8Pair<kParts>(win, next, folded, acc0, acc1);
      for (int32_t part = 0; part < kParts; ++part) {
        Store8(acc0[part], scale[part], output_offset, act_min, act_max, out + 8 * part);
        Store8(acc1[part], scale[part], output_offset, act_min, act_max, out + s.out_c + 8 * part);
      }
    };
    WalkPixels<k3x3>(d, s, input + oc, filter + oc, output + oc, pixel, pair);
  }
}

// Depth multiplier a multiple of 8: eight output channels share each input,
// one scalar times two weight vectors.
template <bool kOffset>
__attribute__((noinline)) void AccumulateShared8(const Window& win, int32_t offset,
                                                 int32x4_t* out) {
  int32x4_t lo = out[0];
  int32x4_t hi = out[1];
  const int8_t* in = win.in;
  const int8_t* w = win.w;
  for (int32_t r = 0; r < win.rows; ++r) {
    const int8_t* x = in;
    const int8_t* f = w;
    for (int32_t c = 0; c < win.cols; ++c) {
      const int32_t value = kOffset ? *x + offset : *x;
      lo = vmlaq_n_s32(lo, vldrbq_s32(f), value);
      hi = vmlaq_n_s32(hi, vldrbq_s32(f + 4), value);
      x += win.in_col_step;
      f += win.w_col_step;
    }
    in += win.in_row_step;
    w += win.w_row_step;
  }
  out[0] = lo;
  out[1] = hi;
}

// AccumulateShared8<false> over a whole 3x3 window, the columns written out.
__attribute__((noinline)) void AccumulateShared8x3x3(const Window& win, int32x4_t* out) {
  int32x4_t lo = out[0];
  int32x4_t hi = out[1];
  const int8_t* x = win.in;
  const int8_t* f = win.w;
  const int32_t xs = win.in_col_step;
  const int32_t fs = win.w_col_step;
  // Rows as a loop: unrolled, the loads get hoisted and the vectors spilled.
#pragma GCC unroll 1
  for (int32_t r = 0; r < 3; ++r) {
#pragma GCC unroll 3
    for (int32_t c = 0; c < 3; ++c) {
      const int32_t value = x[c * xs];
      lo = vmlaq_n_s32(lo, vldrbq_s32(f + c * fs), value);
      hi = vmlaq_n_s32(hi, vldrbq_s32(f + c * fs + 4), value);
    }
    x += win.in_row_step;
    f += win.w_row_step;
  }
  out[0] = lo;
  out[1] = hi;
}

void ChannelsShared8(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                     const int8_t* filter, const int32_t* bias, int8_t* output) {
  const int32_t taps = s.f_h * s.f_w;
  const int32x4_t act_min = vdupq_n_s32(d.act_min);
  const int32x4_t act_max = vdupq_n_s32(d.act_max);
  const int32_t input_offset = d.input_offset;
  const int32_t output_offset = d.output_offset;
  const bool k3x3 = s.f_h == 3 && s.f_w == 3;
  for (int32_t oc = 0; oc < s.out_c; oc += 8) {
    int32x4_t start[2];
    int32x4_t folded[2];
    int32x4_t multiplier[2];
    int32x4_t shift[2];
    for (int32_t half = 0; half < 2; ++half) {
      const int32_t c = oc + 4 * half;
      start[half] = bias != nullptr ? vldrwq_s32(bias + c) : vdupq_n_s32(0);
      int32x4_t weight_sum = vdupq_n_s32(0);
      for (int32_t t = 0; t < taps; ++t) {
        weight_sum = vaddq_s32(weight_sum, vldrbq_s32(filter + t * s.out_c + c));
      }
      folded[half] = vmlaq_n_s32(start[half], weight_sum, input_offset);
      if (d.scales.step != 0) {
        multiplier[half] = vldrwq_s32(d.scales.multiplier + c);
        shift[half] = vldrbq_s32(d.scales.shift + c);
      } else {
        multiplier[half] = vdupq_n_s32(d.scales.multiplier[0]);
        shift[half] = vdupq_n_s32(d.scales.shift[0]);
      }
    }
    ForEachPixel(d, s, input + oc / d.multiplier, filter + oc, output + oc,
                 [&](const Window& win, bool interior, int8_t* out) {
                   int32x4_t acc[2];
                   if (interior) {
                     acc[0] = folded[0];
                     acc[1] = folded[1];
                     if (k3x3) {
                       AccumulateShared8x3x3(win, acc);
                     } else {
                       AccumulateShared8<false>(win, 0, acc);
                     }
                   } else {
                     acc[0] = start[0];
                     acc[1] = start[1];
                     AccumulateShared8<true>(win, input_offset, acc);
                   }
                   for (int32_t half = 0; half < 2; ++half) {
                     int32x4_t v = vaddq_n_s32(
                         RequantizeMve(acc[half], multiplier[half], shift[half]), output_offset);
                     v = vminq_s32(vmaxq_s32(v, act_min), act_max);
                     vstrbq_s32(out + 4 * half, v);
                   }
                 });
  }
}

// kShared: depth multiplier a multiple of 4, else 1; k3x3: a 3x3 filter
// (multiplier 1). Channels [first, ...) in whole groups of four use
// unpredicated vectors (each predicated instruction costs a VPST more); the
// rest go one by one.
template <bool kShared, bool k3x3>
void Channels(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
              const int8_t* filter, const int32_t* bias, int8_t* output, int32_t first) {
  const int32_t taps = s.f_h * s.f_w;
  const int32x4_t act_min = vdupq_n_s32(d.act_min);
  const int32x4_t act_max = vdupq_n_s32(d.act_max);
  // Locals, not params fields: the output stores could alias those.
  const int32_t input_offset = d.input_offset;
  const int32_t output_offset = d.output_offset;
  const int32_t groups_end = s.out_c & ~3;
  for (int32_t oc = first; oc < groups_end; oc += 4) {
    const int32x4_t start = bias != nullptr ? vldrwq_s32(bias + oc) : vdupq_n_s32(0);
    int32x4_t weight_sum = vdupq_n_s32(0);
    for (int32_t t = 0; t < taps; ++t) {
      weight_sum = vaddq_s32(weight_sum, vldrbq_s32(filter + t * s.out_c + oc));
    }
    const int32x4_t folded = vmlaq_n_s32(start, weight_sum, d.input_offset);
    int32x4_t multiplier;
    int32x4_t shift;
    if (d.scales.step != 0) {
      multiplier = vldrwq_s32(d.scales.multiplier + oc);
      shift = vldrbq_s32(d.scales.shift + oc);
    } else {
      multiplier = vdupq_n_s32(d.scales.multiplier[0]);
      shift = vdupq_n_s32(d.scales.shift[0]);
    }
    ForEachPixel(d, s, input + (kShared ? oc / d.multiplier : oc), filter + oc, output + oc,
                 [&](const Window& win, bool interior, int8_t* out) {
                   int32x4_t acc;
                   if (!interior) {
                     acc = AccumulateLanes<kShared, true>(win, start, input_offset);
                   } else if (k3x3) {
                     acc = Accumulate3x3(win, folded);
                   } else {
                     acc = AccumulateLanes<kShared, false>(win, folded, 0);
                   }
                   acc = vaddq_n_s32(RequantizeMve(acc, multiplier, shift), output_offset);
                   acc = vminq_s32(vmaxq_s32(acc, act_min), act_max);
                   vstrbq_s32(out, acc);
                 });
  }
  ChannelsScalar(d, s, input, filter, bias, output, groups_end, s.out_c);
}

}  // namespace

bool RunHelium(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
               const int8_t* filter, const int32_t* bias, int8_t* output) {
  if (d.multiplier == 1) {
    const int32_t sixteens = s.out_c & ~15;
    const int32_t eights = s.out_c & ~7;
    if (s.f_h == 3 && s.f_w == 3) {
      ChannelsDepth1x8<true, 2>(d, s, input, filter, bias, output, 0, sixteens);
      ChannelsDepth1x8<true, 1>(d, s, input, filter, bias, output, sixteens, eights);
      Channels<false, true>(d, s, input, filter, bias, output, eights);
    } else {
      ChannelsDepth1x8<false, 2>(d, s, input, filter, bias, output, 0, sixteens);
      ChannelsDepth1x8<false, 1>(d, s, input, filter, bias, output, sixteens, eights);
      Channels<false, false>(d, s, input, filter, bias, output, eights);
    }
    return true;
  }
  if (d.multiplier % 8 == 0) {
    ChannelsShared8(d, s, input, filter, bias, output);
    return true;
  }
  if (d.multiplier % 4 == 0) {
    Channels<true, false>(d, s, input, filter, bias, output, 0);
    return true;
  }
  return false;
}

}  // namespace depthwise
}  // namespace arm
}  // namespace microml

#endif  // __ARM_FEATURE_MVE
