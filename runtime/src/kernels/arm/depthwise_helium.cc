// DEPTHWISE_CONV_2D int8 on Helium (Cortex-M55). Depth multiplier 1: groups
// of 16 or 8 channels, inputs and weights widened to 16-bit lanes and
// multiplied by VMULLB / VMULLT into 32-bit even / odd lanes, horizontally
// adjacent interior pixels of a 3x3 filter two at a time (sharing the weight
// loads and the pixel walk); the channels left over four at a time in 32-bit
// lanes. Given scratch (HeliumScratchBytes), the groups first copy blocks of
// input rows into it with the padding filled in (the band), so that every
// pixel is an interior one, and a 3x3 filter takes all of them two at a
// time. Multipliers that are multiples of 8 or 4: one shared input times two
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

// Requantizes, clamps and stores eight channels' sums. The offset is added
// in 32 bits, wrapping like the reference; narrowing with saturation to 16
// bits then changes no clamped result, and the clamp takes one vector of
// eight lanes, not two of four.
inline void Store8(const Lanes8& acc, const Scale8& scale, int32_t output_offset, int16x8_t act_min,
                   int16x8_t act_max, int8_t* out) {
  const int32x4_t even = vaddq_n_s32(RequantizeMve(acc.even, scale.even), output_offset);
  const int32x4_t odd = vaddq_n_s32(RequantizeMve(acc.odd, scale.odd), output_offset);
  // Even lanes to the bottom halfwords, odd to the top: channel order again.
  const int16x8_t both = vqmovntq_s32(vqmovnbq_s32(vuninitializedq_s16(), even), odd);
  vstrbq_s16(out, vminq_s16(vmaxq_s16(both, act_min), act_max));
}

// Store8 for two pixels' sums of the same channels: each scale vector loaded
// once serves both; without kLeft no channel shifts left.
template <bool kLeft>
inline void Store8Pair(const Lanes8& acc0, const Lanes8& acc1, const Scale8& scale,
                       int32_t output_offset, int16x8_t act_min, int16x8_t act_max, int8_t* out0,
                       int8_t* out1) {
  int32x4_t even0 = acc0.even;
  int32x4_t even1 = acc1.even;
  int32x4_t odd0 = acc0.odd;
  int32x4_t odd1 = acc1.odd;
  if (kLeft) {
    even0 = vshlq_s32(even0, scale.even.left);
    even1 = vshlq_s32(even1, scale.even.left);
    odd0 = vshlq_s32(odd0, scale.odd.left);
    odd1 = vshlq_s32(odd1, scale.odd.left);
  }
  even0 = RequantizeMveRight(even0, scale.even.multiplier, scale.even.right);
  even1 = RequantizeMveRight(even1, scale.even.multiplier, scale.even.right);
  odd0 = RequantizeMveRight(odd0, scale.odd.multiplier, scale.odd.right);
  odd1 = RequantizeMveRight(odd1, scale.odd.multiplier, scale.odd.right);
  even0 = vaddq_n_s32(even0, output_offset);
  even1 = vaddq_n_s32(even1, output_offset);
  odd0 = vaddq_n_s32(odd0, output_offset);
  odd1 = vaddq_n_s32(odd1, output_offset);
  const int16x8_t both0 = vqmovntq_s32(vqmovnbq_s32(vuninitializedq_s16(), even0), odd0);
  const int16x8_t both1 = vqmovntq_s32(vqmovnbq_s32(vuninitializedq_s16(), even1), odd1);
  vstrbq_s16(out0, vminq_s16(vmaxq_s16(both0, act_min), act_max));
  vstrbq_s16(out1, vminq_s16(vmaxq_s16(both1, act_min), act_max));
}

// What Store8 needs besides the sums, for one group of channels.
template <int kParts>
struct GroupOutput {
  Scale8 scale[kParts];
  int16x8_t act_min;
  int16x8_t act_max;
  int32_t offset;
};

// One filter row of two pixels' 3x3 windows (unit dilation): three taps
// kStep elements apart at x0 and x1, weights kStep apart at w, into the even
// and odd lane sums of both pixels. In assembly: gcc 12 hoists and spills
// the loads of the intrinsics version, doubling its instructions. (The
// widening loads take low base registers only: "l".)
template <int32_t kStep>
inline void PairRow3(const int8_t* x0, const int8_t* x1, const int8_t* w, int32x4_t& even0,
                     int32x4_t& odd0, int32x4_t& even1, int32x4_t& odd1) {
  static_assert(kStep == 8 || kStep == 16, "groups of 8 or 16 channels");
  int16x8_t wt;
  int16x8_t v;
  int32x4_t prod;
  __asm__(
      "vldrb.s16 %q[wt], [%[w], #0]\n"
      "vldrb.s16 %q[v], [%[x0], #0]\n"
      "vmullb.s16 %q[prod], %q[v], %q[wt]\n"
      "vadd.i32 %q[e0], %q[e0], %q[prod]\n"
      "vmullt.s16 %q[prod], %q[v], %q[wt]\n"
      "vadd.i32 %q[o0], %q[o0], %q[prod]\n"
      "vldrb.s16 %q[v], [%[x1], #0]\n"
      "vmullb.s16 %q[prod], %q[v], %q[wt]\n"
      "vadd.i32 %q[e1], %q[e1], %q[prod]\n"
      "vmullt.s16 %q[prod], %q[v], %q[wt]\n"
      "vadd.i32 %q[o1], %q[o1], %q[prod]\n"
      "vldrb.s16 %q[wt], [%[w], #%c[step1]]\n"
      "vldrb.s16 %q[v], [%[x0], #%c[step1]]\n"
      "vmullb.s16 %q[prod], %q[v], %q[wt]\n"
      "vadd.i32 %q[e0], %q[e0], %q[prod]\n"
      "vmullt.s16 %q[prod], %q[v], %q[wt]\n"
      "vadd.i32 %q[o0], %q[o0], %q[prod]\n"
      "vldrb.s16 %q[v], [%[x1], #%c[step1]]\n"
      "vmullb.s16 %q[prod], %q[v], %q[wt]\n"
      "vadd.i32 %q[e1], %q[e1], %q[prod]\n"
      "vmullt.s16 %q[prod], %q[v], %q[wt]\n"
      "vadd.i32 %q[o1], %q[o1], %q[prod]\n"
      "vldrb.s16 %q[wt], [%[w], #%c[step2]]\n"
      "vldrb.s16 %q[v], [%[x0], #%c[step2]]\n"
      "vmullb.s16 %q[prod], %q[v], %q[wt]\n"
      "vadd.i32 %q[e0], %q[e0], %q[prod]\n"
      "vmullt.s16 %q[prod], %q[v], %q[wt]\n"
      "vadd.i32 %q[o0], %q[o0], %q[prod]\n"
      "vldrb.s16 %q[v], [%[x1], #%c[step2]]\n"
      "vmullb.s16 %q[prod], %q[v], %q[wt]\n"
      "vadd.i32 %q[e1], %q[e1], %q[prod]\n"
      "vmullt.s16 %q[prod], %q[v], %q[wt]\n"
      "vadd.i32 %q[o1], %q[o1], %q[prod]\n"
      : [e0] "+w"(even0), [o0] "+w"(odd0), [e1] "+w"(even1), [o1] "+w"(odd1), [wt] "=&w"(wt),
        [v] "=&w"(v), [prod] "=&w"(prod)
      : [x0] "l"(x0), [x1] "l"(x1), [w] "l"(w), [step1] "i"(kStep), [step2] "i"(2 * kStep)
      : "memory");
}

// The output pixels of one block of rows (in raster order) of a 3x3 filter
// with unit dilation, two at a time: the band holds the block's input rows,
// `x` the first pixel's window, `next` the elements from one pixel's window
// to the next one's in a row, `line_step` from one output row's to the
// next's, `tap_row_step` from one filter row to the next. A pair may span two
// output rows; an odd last pixel is computed twice (the same bytes written
// twice). `weights` are the group's taps packed tap after tap (kGroup bytes
// each), so that each row's three taps load by immediate offsets.
template <int kParts, bool kLeft>
__attribute__((noinline)) void Band3x3Block(const int8_t* x, int32_t tap_row_step, int32_t next,
                                            int32_t line_step, int32_t out_w, int32_t pixels,
                                            const int8_t* weights, const int32_t (*init)[2][4],
                                            const GroupOutput<kParts>& g, int8_t* out,
                                            int32_t out_step) {
  constexpr int32_t kGroup = 8 * kParts;
  const int8_t* line = x;
  int32_t ox = 0;
  const auto advance = [&]() {
    x += next;
    if (++ox == out_w) {
      ox = 0;
      line += line_step;
      x = line;
    }
  };
#pragma GCC unroll 1
  for (int32_t i = 0; i < pixels; i += 2) {
    const int8_t* const first = x;
    advance();
    const int8_t* second = first;
    int8_t* out1 = out;
    if (i + 1 < pixels) {
      second = x;
      out1 = out + out_step;
      advance();
    }
#pragma GCC unroll 1
    for (int32_t part = 0; part < kParts; ++part) {
      int32x4_t even0 = vldrwq_s32(init[part][0]);
      int32x4_t odd0 = vldrwq_s32(init[part][1]);
      int32x4_t even1 = even0;
      int32x4_t odd1 = odd0;
      const int8_t* x0 = first + 8 * part;
      const int8_t* x1 = second + 8 * part;
      const int8_t* w = weights + 8 * part;
#pragma GCC unroll 1
      for (int32_t r = 0; r < 3; ++r) {
        PairRow3<kGroup>(x0, x1, w, even0, odd0, even1, odd1);
        x0 += tap_row_step;
        x1 += tap_row_step;
        w += 3 * kGroup;
      }
      Store8Pair<kLeft>(Lanes8{even0, odd0}, Lanes8{even1, odd1}, g.scale[part], g.offset,
                        g.act_min, g.act_max, out + 8 * part, out1 + 8 * part);
    }
    out += 2 * out_step;
  }
}

// The most scratch the band of ChannelsDepth1x8 may take: small beside the
// arenas of the models it speeds up, and enough for the blocks of rows to
// spread each block's setup. When one output row's input rows do not fit
// (very wide images or filters), the pixels walk the input itself.
constexpr uint64_t kMaxBandBytes = 4096;

// Columns of a band row: every column the windows of one output row read,
// from the first tap of the leftmost to the last tap of the rightmost.
int32_t BandWidth(const DepthwiseParams& d, const DepthwiseShape& s) {
  return (s.out_w - 1) * d.stride_w + (s.f_w - 1) * d.dilation_w + 1;
}

// Copies one pixel's kGroup (8 or 16) channels.
template <int32_t kGroup>
inline void CopyGroup(int8_t* dst, const int8_t* src) {
  if (kGroup == 16) {
    vstrbq_s8(dst, vldrbq_s8(src));
  } else {
    vstrbq_s16(dst, vldrbq_s16(src));
  }
}

// Copies kGroup channels of one input row (`line`, null when the row lies in
// the padding) into a band row of `width` columns, the first pad_w and those
// past the input holding the input zero point, so that the taps there add
// zero once the folded offset is counted, as the reference's skipped taps do.
template <int32_t kGroup>
void FillBandRow(const int8_t* line, int32_t in_c, int32_t in_w, int32_t pad_w, int32_t width,
                 int8_t pad_value, int8_t* row) {
  const int8x16_t pad = vdupq_n_s8(pad_value);
  const auto put = [](int8_t* dst, int8x16_t v) {
    if (kGroup == 16) {
      vstrbq_s8(dst, v);
    } else {
      vstrbq_s16(dst, vreinterpretq_s16_s8(v));
    }
  };
  if (line == nullptr) {
    for (int32_t c = 0; c < width; ++c) put(row + c * kGroup, pad);
    return;
  }
  const int32_t left = pad_w < width ? pad_w : width;
  const int32_t inside_end = in_w + pad_w < width ? in_w + pad_w : width;
  int32_t c = 0;
  for (; c < left; ++c) put(row + c * kGroup, pad);
  const int8_t* src = line;
  for (; c < inside_end; ++c, src += in_c) CopyGroup<kGroup>(row + c * kGroup, src);
  for (; c < width; ++c) put(row + c * kGroup, pad);
}

// Multiplier 1: output channels [first, end) in groups of 8 * kParts (a
// whole number of them), the per-channel values split into even and odd
// lanes. A 3x3 filter takes the interior pixels two at a time. With a band
// (scratch of HeliumScratchBytes), each output row's input rows are first
// copied into it with the padding filled in, so every pixel is an interior
// one: on narrow images most pixels touch the border, and the border path
// adds the offset to every input and walks clipped tap ranges.
template <bool k3x3, int kParts>
void ChannelsDepth1x8(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                      const int8_t* filter, const int32_t* bias, int8_t* band, int32_t band_bytes,
                      int8_t* output, int32_t first, int32_t end) {
  constexpr int32_t kGroup = 8 * kParts;
  const int32_t taps = s.f_h * s.f_w;
  const int16x8_t act_min = vdupq_n_s16(static_cast<int16_t>(d.act_min));
  const int16x8_t act_max = vdupq_n_s16(static_cast<int16_t>(d.act_max));
  const int32_t input_offset = d.input_offset;
  const int32_t output_offset = d.output_offset;
  const int32_t next = band != nullptr ? d.stride_w * kGroup : d.stride_w * s.in_c;
  for (int32_t oc = first; oc < end; oc += kGroup) {
    // [part][0]: even channels of the part, [part][1]: odd ones.
    int32_t start[kParts][2][4];
    int32_t folded[kParts][2][4];
    int32_t multiplier[kParts][2][4];
    int32_t shift[kParts][2][4];
    for (int32_t k = 0; k < kGroup; ++k) {
      const int32_t q = (oc + k) * d.scales.step;
      const int32_t part = k >> 3;
      const int32_t odd = k & 1;
      const int32_t lane = (k & 7) >> 1;
      start[part][odd][lane] = bias != nullptr ? bias[oc + k] : 0;
      multiplier[part][odd][lane] = d.scales.multiplier[q];
      shift[part][odd][lane] = d.scales.shift[q];
    }
    // The weight sums in the same even / odd lanes, folded as FoldOffset
    // does (VMLA wraps alike).
    for (int32_t part = 0; part < kParts; ++part) {
      int32x4_t even = vdupq_n_s32(0);
      int32x4_t odd = vdupq_n_s32(0);
      const int8_t* f = filter + oc + 8 * part;
      for (int32_t t = 0; t < taps; ++t, f += s.out_c) {
        const int16x8_t w = vldrbq_s16(f);
        even = vaddq_s32(even, vmovlbq_s16(w));
        odd = vaddq_s32(odd, vmovltq_s16(w));
      }
      vstrwq_s32(folded[part][0], vmlaq_n_s32(vldrwq_s32(start[part][0]), even, input_offset));
      vstrwq_s32(folded[part][1], vmlaq_n_s32(vldrwq_s32(start[part][1]), odd, input_offset));
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
    if (band == nullptr) {
      WalkPixels<k3x3>(d, s, input + oc, filter + oc, output + oc, pixel, pair);
      continue;
    }
    GroupOutput<kParts> g;
    for (int32_t part = 0; part < kParts; ++part) g.scale[part] = scale[part];
    g.act_min = act_min;
    g.act_max = act_max;
    g.offset = output_offset;
    // Whether any channel of the group shifts left (scales of 1 and more):
    // without, the requantization skips those shifts.
    bool left = false;
    for (int32_t part = 0; part < kParts; ++part) {
      left = left || vmaxvq_s32(0, scale[part].even.left) > 0 ||
             vmaxvq_s32(0, scale[part].odd.left) > 0;
    }
    int8_t packed[k3x3 ? 9 * kGroup : 1];
    if (k3x3) {
      for (int32_t tap = 0; tap < 9; ++tap) {
        CopyGroup<kGroup>(packed + tap * kGroup, filter + tap * s.out_c + oc);
      }
    }
    const int32_t width = BandWidth(d, s);
    const int8_t pad_value = static_cast<int8_t>(-input_offset);
    const int32_t row_bytes = width * kGroup;
    const int32_t span = (s.f_h - 1) * d.dilation_h + 1;
    // Output rows per block: as many as the band holds the input rows of
    // (HeliumScratchBytes makes it hold at least one's).
    const int32_t most = (band_bytes / row_bytes - span) / d.stride_h + 1;
    const int32_t block = most < s.out_h ? most : s.out_h;
    Window win;
    win.w = filter + oc;
    win.first_tap = 0;
    win.rows = s.f_h;
    win.cols = s.f_w;
    win.in_row_step = d.dilation_h * row_bytes;
    win.in_col_step = d.dilation_w * kGroup;
    win.w_row_step = s.f_w * s.out_c;
    win.w_col_step = s.out_c;
    const int32_t line_step = d.stride_h * row_bytes;
    int8_t* out = output + oc;
    for (int32_t b = 0; b < s.batches; ++b) {
      const int8_t* image = input + b * s.in_h * s.in_w * s.in_c + oc;
      for (int32_t oy = 0; oy < s.out_h; oy += block) {
        const int32_t rows = s.out_h - oy < block ? s.out_h - oy : block;
        const int32_t in_rows = (rows - 1) * d.stride_h + span;
        for (int32_t r = 0; r < in_rows; ++r) {
          const int32_t iy = oy * d.stride_h - d.pad_h + r;
          const int8_t* line = iy >= 0 && iy < s.in_h ? image + iy * s.in_w * s.in_c : nullptr;
          FillBandRow<kGroup>(line, s.in_c, s.in_w, d.pad_w, width, pad_value,
                              band + r * row_bytes);
        }
        if (k3x3 && d.dilation_w == 1) {
          if (left) {
            Band3x3Block<kParts, true>(band, win.in_row_step, next, line_step, s.out_w,
                                       rows * s.out_w, packed, folded, g, out, s.out_c);
          } else {
            Band3x3Block<kParts, false>(band, win.in_row_step, next, line_step, s.out_w,
                                        rows * s.out_w, packed, folded, g, out, s.out_c);
          }
          out += rows * s.out_w * s.out_c;
          continue;
        }
        for (int32_t r = 0; r < rows; ++r) {
          for (int32_t ox = 0; ox < s.out_w; ++ox, out += s.out_c) {
            win.in = band + r * line_step + ox * next;
            pixel(win, true, out);
          }
        }
      }
    }
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

size_t HeliumScratchBytes(const DepthwiseParams& d, const DepthwiseShape& s) {
  if (d.multiplier != 1 || s.out_c < 8 || d.pad_h < 0 || d.pad_w < 0) return 0;
  // In 64 bits: prepare bounds each factor, not their product.
  const uint64_t width = static_cast<uint64_t>(s.out_w - 1) * static_cast<uint64_t>(d.stride_w) +
                         static_cast<uint64_t>(s.f_w - 1) * static_cast<uint64_t>(d.dilation_w) + 1;
  const uint64_t span = static_cast<uint64_t>(s.f_h - 1) * static_cast<uint64_t>(d.dilation_h) + 1;
  const uint64_t row_bytes = width * (s.out_c >= 16 ? 16 : 8);
  if (span * row_bytes > kMaxBandBytes) return 0;
  // Every input row the output reads, or as many as the cap allows.
  const uint64_t all =
      static_cast<uint64_t>(s.out_h - 1) * static_cast<uint64_t>(d.stride_h) + span;
  const uint64_t fit = kMaxBandBytes / row_bytes;
  return static_cast<size_t>((all < fit ? all : fit) * row_bytes);
}

bool RunHelium(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
               const int8_t* filter, const int32_t* bias, int8_t* scratch, int8_t* output) {
  if (d.multiplier == 1) {
    const int32_t sixteens = s.out_c & ~15;
    const int32_t eights = s.out_c & ~7;
    const int32_t band_bytes = static_cast<int32_t>(HeliumScratchBytes(d, s));
    int8_t* band = band_bytes > 0 ? scratch : nullptr;
    if (s.f_h == 3 && s.f_w == 3) {
      ChannelsDepth1x8<true, 2>(d, s, input, filter, bias, band, band_bytes, output, 0, sixteens);
      ChannelsDepth1x8<true, 1>(d, s, input, filter, bias, band, band_bytes, output, sixteens,
                                eights);
      Channels<false, true>(d, s, input, filter, bias, output, eights);
    } else {
      ChannelsDepth1x8<false, 2>(d, s, input, filter, bias, band, band_bytes, output, 0, sixteens);
      ChannelsDepth1x8<false, 1>(d, s, input, filter, bias, band, band_bytes, output, sixteens,
                                 eights);
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
