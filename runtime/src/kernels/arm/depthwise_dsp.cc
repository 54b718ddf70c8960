// DEPTHWISE_CONV_2D int8 on the Armv7E-M DSP extension (Cortex-M4 / M7).
// Depth multiplier 1 with up to 9 taps: groups of 16, 8 or 4 channels,
// weights unpacked to 16-bit pairs once per group, four channels' inputs a
// word split by SXTB16 into even / odd 16-bit pairs for SMLABB / SMLATT (two
// horizontally adjacent pixels with whole 3x3 windows share each weight,
// and their common input columns when the stride equals the dilation; 3x3
// windows cut by the edges have their columns written out); more taps: the
// same four channels a word without the cached weights. Multipliers that are
// multiples of 8 or 4: one shared input per group of eight or four,
// horizontally adjacent taps of whole windows paired for SMLAD. Channels left
// over go one at a time. Each pixel's group of outputs is requantized by one
// out-of-line loop (QuantizeGroup).
#include "kernels/arm/depthwise_window.h"

#if defined(__ARM_FEATURE_DSP) && !defined(__ARM_FEATURE_MVE)

#include <arm_acle.h>
#include <stddef.h>
#include <string.h>

#include "kernels/arm/dsp.h"

namespace microml {
namespace arm {
namespace depthwise {

namespace {

struct Acc4 {
  int32_t v[4];
};

// The multiply-accumulate loops below are kept out of line: inlined into the
// pixel walk, with its many live values, their accumulators get spilled.

// Four channels' window sum; kShared: the four share one input channel
// (depth multiplier a multiple of 4), else each reads its own (multiplier 1),
// four inputs a word whose even and odd bytes become 16-bit pairs,
// multiplied bottom by bottom and top by top. |input + offset| <= 255 fits a
// halfword.
template <bool kShared, bool kOffset>
__attribute__((noinline)) Acc4 AccumulateWord(const Window& win, Acc4 acc, int32_t offset,
                                              int32_t offset2) {
  const int32_t rows = win.rows;
  const int32_t cols = win.cols;
  int32_t a0 = acc.v[0];
  int32_t a1 = acc.v[1];
  int32_t a2 = acc.v[2];
  int32_t a3 = acc.v[3];
  const int8_t* in = win.in;
  const int8_t* w = win.w;
  for (int32_t r = 0; r < rows; ++r) {
    const int8_t* x = in;
    const int8_t* f = w;
    for (int32_t c = 0; c < cols; ++c) {
      const int32_t wv = Load4(f);
      const int32_t w_even = __sxtb16(wv);
      const int32_t w_odd = Sxtb16Ror8(wv);
      if (kShared) {
        const int32_t value = kOffset ? *x + offset : *x;
        a0 = __smlabb(w_even, value, a0);
        a2 = __smlatb(w_even, value, a2);
        a1 = __smlabb(w_odd, value, a1);
        a3 = __smlatb(w_odd, value, a3);
      } else {
        const int32_t xv = Load4(x);
        const int32_t x_even = kOffset ? __sxtab16(offset2, xv) : __sxtb16(xv);
        const int32_t x_odd = kOffset ? Sxtab16Ror8(offset2, xv) : Sxtb16Ror8(xv);
        a0 = __smlabb(x_even, w_even, a0);
        a2 = __smlatt(x_even, w_even, a2);
        a1 = __smlabb(x_odd, w_odd, a1);
        a3 = __smlatt(x_odd, w_odd, a3);
      }
      x += win.in_col_step;
      f += win.w_col_step;
    }
    in += win.in_row_step;
    w += win.w_row_step;
  }
  return Acc4{{a0, a1, a2, a3}};
}

// The requantization step of QuantizeGroup's loop for right shifts: with
// c = 2^(r-1) - [x < 0] (x's sign for h's, as in Quantize), the 64-bit start
// value 2^30 + c * 2^31 is (c >> 1 : (c << 31) | 2^30), no carry between the
// words, and SMLAL adds the product to it; the top word shifted by r - 1,
// plus the output offset, is the value to clamp.
#define MICROML_DW_SCALE                 \
  "ldr %[x], [%[acc]], #4\n"             \
  "ldr %[post], [%[p], #8]\n"            \
  "ldrd %[m], %[c], [%[p]], %[stride]\n" \
  "add %[c], %[c], %[x], asr #31\n"      \
  "lsr %[hi], %[c], #1\n"                \
  "lsl %[lo], %[c], #31\n"               \
  "orr %[lo], %[lo], #0x40000000\n"      \
  "smlal %[lo], %[hi], %[x], %[m]\n"     \
  "asr %[hi], %[hi], %[post]\n"          \
  "add %[hi], %[hi], %[offset]\n"

// out[k] = Quantize(q[k], range, acc[k]) for k < n. Out of line: in the
// pixel walks, short of registers, the quantization parameters and the
// output range get spilled and reloaded for every output. With right shifts
// on every channel (the usual case) the loop is written out: 19 instructions
// an output where gcc spends 26, 14 when the clamp is int8's own range and
// one SSAT does it.
__attribute__((noinline)) void QuantizeGroup(const ChannelQuant* q, bool right_shifts,
                                             OutputRange range, const int32_t* acc, int8_t* out,
                                             int32_t n) {
  if (!right_shifts) {
    for (int32_t k = 0; k < n; ++k) out[k] = Quantize(q[k], range, acc[k]);
    return;
  }
  static_assert(offsetof(ChannelQuant, half) == offsetof(ChannelQuant, multiplier) + 4 &&
                    offsetof(ChannelQuant, post) == offsetof(ChannelQuant, multiplier) + 8,
                "QuantizeGroup loads multiplier, half and post together");
  const int32_t* params = &q->multiplier;
  // n > 0: the loops test at their end.
  const int32_t* const end = acc + n;
  int32_t x, m, c, post, lo, hi;
  if (range.lo == -128 && range.hi == 127) {
    __asm__ volatile(
        "1:\n" MICROML_DW_SCALE
        "ssat %[hi], #8, %[hi]\n"
        "strb %[hi], [%[out]], #1\n"
        "cmp %[acc], %[end]\n"
        "bne 1b\n"
        : [acc] "+&r"(acc), [out] "+&r"(out), [p] "+&r"(params), [x] "=&r"(x), [m] "=&r"(m),
          [c] "=&r"(c), [post] "=&r"(post), [lo] "=&r"(lo), [hi] "=&r"(hi)
        : [end] "r"(end), [offset] "r"(range.offset),
          [stride] "I"(static_cast<int32_t>(sizeof(ChannelQuant)))
        : "cc", "memory");
    return;
  }
  __asm__ volatile("1:\n" MICROML_DW_SCALE
                   "cmp %[hi], %[min]\n"
                   "it lt\n"
                   "movlt %[hi], %[min]\n"
                   "cmp %[hi], %[max]\n"
                   "it gt\n"
                   "movgt %[hi], %[max]\n"
                   "strb %[hi], [%[out]], #1\n"
                   "cmp %[acc], %[end]\n"
                   "bne 1b\n"
                   : [acc] "+&r"(acc), [out] "+&r"(out), [p] "+&r"(params), [x] "=&r"(x),
                     [m] "=&r"(m), [c] "=&r"(c), [post] "=&r"(post), [lo] "=&r"(lo), [hi] "=&r"(hi)
                   : [end] "r"(end), [offset] "r"(range.offset), [min] "r"(range.lo),
                     [max] "r"(range.hi), [stride] "I"(static_cast<int32_t>(sizeof(ChannelQuant)))
                   : "cc", "memory");
}

#undef MICROML_DW_SCALE

// Filters up to this many taps have their weights' 16-bit pairs made once
// per group of channels, on the stack.
constexpr int32_t kMaxCachedTaps = 9;

// Input bytes 0 and 2 (kOdd: 1 and 3) as 16-bit pairs, plus offset2's.
template <bool kOdd, bool kOffset>
inline int32_t InputPair(int32_t xv, int32_t offset2) {
  if (kOdd) return kOffset ? Sxtab16Ror8(offset2, xv) : Sxtb16Ror8(xv);
  return kOffset ? __sxtab16(offset2, xv) : __sxtb16(xv);
}

// Channels 0 and 2 (kOdd: 1 and 3) of a group's window sum, multiplier 1,
// cached weights. Two passes over the window keep fewer values live than
// one, so the accumulators stay in registers.
template <bool kOdd, bool kOffset>
__attribute__((noinline)) void AccumulatePair(const Window& win, int32_t filter_w,
                                              const int32_t* weights, int32_t offset2, int32_t* lo,
                                              int32_t* hi) {
  int32_t a = *lo;
  int32_t b = *hi;
  const int8_t* in = win.in;
  for (int32_t r = 0; r < win.rows; ++r) {
    const int8_t* x = in;
    const int32_t* w = weights + win.first_tap + r * filter_w;
    const int32_t* w_end = w + win.cols;
    for (; w != w_end; ++w) {
      const int32_t pair = InputPair<kOdd, kOffset>(Load4(x), offset2);
      a = __smlabb(pair, *w, a);
      b = __smlatt(pair, *w, b);
      x += win.in_col_step;
    }
    in += win.in_row_step;
  }
  *lo = a;
  *hi = b;
}

// Four channels (a[0..3]) of a 3x3 filter's window, cached weights `w`
// (channels 0 and 2 at w[tap], 1 and 3 at w[kMaxCachedTaps + tap]), each
// input word loaded once for both pairs. kCols columns of win.rows rows,
// inputs plus the offset (kOffset), or the whole window (kCols 3, no offset).
template <int kCols, bool kOffset>
__attribute__((noinline)) void AccumulateQuad3x3(const Window& win, const int32_t* w,
                                                 int32_t offset2, int32_t* a) {
  int32_t a0 = a[0];
  int32_t a1 = a[1];
  int32_t a2 = a[2];
  int32_t a3 = a[3];
  const int8_t* x = win.in;
  const int32_t xs = win.in_col_step;
  w += win.first_tap;
  for (int32_t r = kOffset ? win.rows : 3; r > 0; --r) {
#pragma GCC unroll 3
    for (int32_t c = 0; c < kCols; ++c) {
      const int32_t v = Load4(x + c * xs);
      const int32_t even = InputPair<false, kOffset>(v, offset2);
      const int32_t odd = InputPair<true, kOffset>(v, offset2);
      a0 = __smlabb(even, w[c], a0);
      a2 = __smlatt(even, w[c], a2);
      a1 = __smlabb(odd, w[kMaxCachedTaps + c], a1);
      a3 = __smlatt(odd, w[kMaxCachedTaps + c], a3);
    }
    x += win.in_row_step;
    w += 3;
  }
  a[0] = a0;
  a[1] = a1;
  a[2] = a2;
  a[3] = a3;
}

// AccumulateQuad3x3 for a window cut by the input's edges.
inline void AccumulateBorder3x3(const Window& win, const int32_t* w, int32_t offset2, int32_t* a) {
  switch (win.cols) {
    case 3:
      AccumulateQuad3x3<3, true>(win, w, offset2, a);
      break;
    case 2:
      AccumulateQuad3x3<2, true>(win, w, offset2, a);
      break;
    case 1:
      AccumulateQuad3x3<1, true>(win, w, offset2, a);
      break;
    default:  // no tap inside the input
      break;
  }
}

// Channels 0 and 2 (kOdd: 1 and 3) of two horizontally adjacent pixels'
// whole 3x3 windows, `next` elements apart, sharing each weight load.
template <bool kOdd>
__attribute__((noinline)) void AccumulatePair3x3x2(const Window& win, int32_t next,
                                                   const int32_t* w, int32_t* acc0, int32_t* acc1) {
  int32_t a0 = acc0[0];
  int32_t b0 = acc0[2];
  int32_t a1 = acc1[0];
  int32_t b1 = acc1[2];
  const int8_t* x = win.in;
  const int32_t xs = win.in_col_step;
#pragma GCC unroll 9
  for (int32_t t = 0; t < 9; ++t) {
    const int8_t* tap = x + (t % 3) * xs;
    const int32_t p0 = InputPair<kOdd, false>(Load4(tap), 0);
    const int32_t p1 = InputPair<kOdd, false>(Load4(tap + next), 0);
    a0 = __smlabb(p0, w[t], a0);
    b0 = __smlatt(p0, w[t], b0);
    a1 = __smlabb(p1, w[t], a1);
    b1 = __smlatt(p1, w[t], b1);
    if (t % 3 == 2) x += win.in_row_step;
  }
  acc0[0] = a0;
  acc0[2] = b0;
  acc1[0] = a1;
  acc1[2] = b1;
}

// AccumulatePair3x3x2 when the second pixel's window is the first's moved
// one tap along (stride equal to dilation): four input columns a row serve
// both.
template <bool kOdd>
__attribute__((noinline)) void AccumulatePair3x3x2Overlap(const Window& win, const int32_t* w,
                                                          int32_t* acc0, int32_t* acc1) {
  int32_t a0 = acc0[0];
  int32_t b0 = acc0[2];
  int32_t a1 = acc1[0];
  int32_t b1 = acc1[2];
  const int8_t* x = win.in;
  const int32_t xs = win.in_col_step;
#pragma GCC unroll 3
  for (int32_t t = 0; t < 9; t += 3) {
    const int32_t p0 = InputPair<kOdd, false>(Load4(x), 0);
    const int32_t p1 = InputPair<kOdd, false>(Load4(x + xs), 0);
    const int32_t p2 = InputPair<kOdd, false>(Load4(x + 2 * xs), 0);
    const int32_t p3 = InputPair<kOdd, false>(Load4(x + 3 * xs), 0);
    a0 = __smlabb(p0, w[t], a0);
    b0 = __smlatt(p0, w[t], b0);
    a1 = __smlabb(p1, w[t], a1);
    b1 = __smlatt(p1, w[t], b1);
    a0 = __smlabb(p1, w[t + 1], a0);
    b0 = __smlatt(p1, w[t + 1], b0);
    a1 = __smlabb(p2, w[t + 1], a1);
    b1 = __smlatt(p2, w[t + 1], b1);
    a0 = __smlabb(p2, w[t + 2], a0);
    b0 = __smlatt(p2, w[t + 2], b0);
    a1 = __smlabb(p3, w[t + 2], a1);
    b1 = __smlatt(p3, w[t + 2], b1);
    x += win.in_row_step;
  }
  acc0[0] = a0;
  acc0[2] = b0;
  acc1[0] = a1;
  acc1[2] = b1;
}

// Depth multiplier 1 and at most kMaxCachedTaps taps: output channels
// [first, end) in groups of kGroup (4, 8 or 16: larger groups share each
// pixel's window arithmetic more), whose weights become 16-bit pairs once per
// group.
template <bool k3x3, int kGroup>
void ChannelsCached(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                    const int8_t* filter, const int32_t* bias, int8_t* output, int32_t first,
                    int32_t end) {
  const int32_t taps = s.f_h * s.f_w;
  const int32_t offset2 = static_cast<int32_t>((static_cast<uint32_t>(d.input_offset) << 16) |
                                               (static_cast<uint32_t>(d.input_offset) & 0xFFFF));
  const OutputRange range = {d.output_offset, d.act_min, d.act_max};
  const int32_t filter_w = s.f_w;
  // Elements from one output pixel's input to the next one's.
  const int32_t next = d.stride_w * s.in_c;
  for (int32_t oc = first; oc < end; oc += kGroup) {
    int32_t start[kGroup];
    int32_t folded[kGroup];
    ChannelQuant q[kGroup];
    bool right_shifts = true;
    for (int32_t k = 0; k < kGroup; ++k) {
      start[k] = bias != nullptr ? bias[oc + k] : 0;
      uint32_t weight_sum = 0;
      for (int32_t t = 0; t < taps; ++t) {
        weight_sum += static_cast<uint32_t>(filter[t * s.out_c + oc + k]);
      }
      folded[k] = FoldOffset(start[k], weight_sum, d.input_offset);
      q[k] = ChannelQuantOf(d, oc + k);
      right_shifts = right_shifts && q[k].right > 0;
    }
    // [(2 * quad + odd) * kMaxCachedTaps + tap]: channels 4 * quad + (0, 2)
    // or (1, 3); one flat array, as AccumulateQuad3x3 reads odd after even.
    int32_t weights[kGroup / 2 * kMaxCachedTaps];
    for (int32_t quad = 0; quad < kGroup / 4; ++quad) {
      for (int32_t t = 0; t < taps; ++t) {
        const int32_t wv = Load4(filter + t * s.out_c + oc + 4 * quad);
        weights[2 * quad * kMaxCachedTaps + t] = __sxtb16(wv);
        weights[(2 * quad + 1) * kMaxCachedTaps + t] = Sxtb16Ror8(wv);
      }
    }
    const auto pixel = [&](const Window& win, bool interior, int8_t* out) {
      int32_t acc[kGroup];
      for (int32_t k = 0; k < kGroup; ++k) acc[k] = interior ? folded[k] : start[k];
      for (int32_t quad = 0; quad < kGroup / 4; ++quad) {
        Window part = win;
        part.in += 4 * quad;
        int32_t* a = acc + 4 * quad;
        const int32_t* even = weights + 2 * quad * kMaxCachedTaps;
        const int32_t* odd = even + kMaxCachedTaps;
        if (k3x3 && interior) {
          AccumulateQuad3x3<3, false>(part, even, 0, a);
        } else if (interior) {
          AccumulatePair<false, false>(part, filter_w, even, 0, &a[0], &a[2]);
          AccumulatePair<true, false>(part, filter_w, odd, 0, &a[1], &a[3]);
        } else if (k3x3) {
          AccumulateBorder3x3(part, even, offset2, a);
        } else {
          AccumulatePair<false, true>(part, filter_w, even, offset2, &a[0], &a[2]);
          AccumulatePair<true, true>(part, filter_w, odd, offset2, &a[1], &a[3]);
        }
      }
      QuantizeGroup(q, right_shifts, range, acc, out, kGroup);
    };
    // The second pixel's taps are the first's moved one tap along.
    const bool overlap = next == TapStep(d.dilation_w, s.in_w, s.in_c);
    const auto pair = [&](const Window& win, int8_t* out) {
      int32_t acc0[kGroup];
      int32_t acc1[kGroup];
      for (int32_t k = 0; k < kGroup; ++k) acc0[k] = acc1[k] = folded[k];
      for (int32_t quad = 0; quad < kGroup / 4; ++quad) {
        Window part = win;
        part.in += 4 * quad;
        const int32_t* even = weights + 2 * quad * kMaxCachedTaps;
        const int32_t* odd = even + kMaxCachedTaps;
        if (overlap) {
          AccumulatePair3x3x2Overlap<false>(part, even, acc0 + 4 * quad, acc1 + 4 * quad);
          AccumulatePair3x3x2Overlap<true>(part, odd, acc0 + 4 * quad + 1, acc1 + 4 * quad + 1);
        } else {
          AccumulatePair3x3x2<false>(part, next, even, acc0 + 4 * quad, acc1 + 4 * quad);
          AccumulatePair3x3x2<true>(part, next, odd, acc0 + 4 * quad + 1, acc1 + 4 * quad + 1);
        }
      }
      QuantizeGroup(q, right_shifts, range, acc0, out, kGroup);
      QuantizeGroup(q, right_shifts, range, acc1, out + s.out_c, kGroup);
    };
    WalkPixels<k3x3>(d, s, input + oc, filter + oc, output + oc, pixel, pair);
  }
}

// Shared input (multiplier a multiple of 4), whole windows: horizontally
// adjacent taps go in pairs, each channel's two weights packed in one word
// (`pairs`, built per group: [row][tap pair][channel], the odd last tap of a
// row paired with 0), so SMLAD does two products at once.
constexpr int32_t kMaxPairWords = 160;

// (low, high) as the two halfwords of a word.
inline int32_t PackHalves(int32_t low, int32_t high) {
  int32_t r;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(low), "r"(high));
  return r;
}

// Window sums of kGroup (4 or 8) channels sharing one input, in and out
// through `acc`.
template <int kGroup>
__attribute__((noinline)) void AccumulateSharedPairs(const Window& win, int32_t filter_w,
                                                     const int32_t* pairs, int32_t* acc) {
  int32_t a[kGroup];
#pragma GCC unroll 8
  for (int k = 0; k < kGroup; ++k) a[k] = acc[k];
  const int32_t pair_words = (filter_w >> 1) * kGroup;
  const int32_t step = win.in_col_step;
  const int8_t* in = win.in;
  const int32_t* p = pairs;
  for (int32_t r = 0; r < win.rows; ++r) {
    const int8_t* x = in;
    for (const int32_t* row_end = p + pair_words; p != row_end; p += kGroup) {
      const int32_t two = PackHalves(x[0], x[step]);
#pragma GCC unroll 8
      for (int k = 0; k < kGroup; ++k) a[k] = __smlad(two, p[k], a[k]);
      x += 2 * step;
    }
    if ((filter_w & 1) != 0) {
      const int32_t one = *x;
#pragma GCC unroll 8
      for (int k = 0; k < kGroup; ++k) a[k] = __smlabb(one, p[k], a[k]);
      p += kGroup;
    }
    in += win.in_row_step;
  }
#pragma GCC unroll 8
  for (int k = 0; k < kGroup; ++k) acc[k] = a[k];
}

// AccumulateSharedPairs for a 3x3 filter, written out: each row's three
// inputs are loaded and packed once for all of the group's channels.
template <int kGroup>
__attribute__((noinline)) void AccumulateSharedPairs3x3(const Window& win, const int32_t* pairs,
                                                        int32_t* acc) {
  const int32_t step = win.in_col_step;
  int32_t two[3];
  int32_t one[3];
  const int8_t* x = win.in;
#pragma GCC unroll 3
  for (int r = 0; r < 3; ++r) {
    two[r] = PackHalves(x[0], x[step]);
    one[r] = x[2 * step];
    x += win.in_row_step;
  }
#pragma GCC unroll 1
  for (int32_t quad = 0; quad < kGroup / 4; ++quad) {
    int32_t a0 = acc[4 * quad];
    int32_t a1 = acc[4 * quad + 1];
    int32_t a2 = acc[4 * quad + 2];
    int32_t a3 = acc[4 * quad + 3];
    const int32_t* p = pairs + 4 * quad;
#pragma GCC unroll 3
    for (int r = 0; r < 3; ++r) {
      a0 = __smlad(two[r], p[0], a0);
      a1 = __smlad(two[r], p[1], a1);
      a2 = __smlad(two[r], p[2], a2);
      a3 = __smlad(two[r], p[3], a3);
      a0 = __smlabb(one[r], p[kGroup], a0);
      a1 = __smlabb(one[r], p[kGroup + 1], a1);
      a2 = __smlabb(one[r], p[kGroup + 2], a2);
      a3 = __smlabb(one[r], p[kGroup + 3], a3);
      p += 2 * kGroup;
    }
    acc[4 * quad] = a0;
    acc[4 * quad + 1] = a1;
    acc[4 * quad + 2] = a2;
    acc[4 * quad + 3] = a3;
  }
}

// kShared: depth multiplier a multiple of kGroup (4 or 8), else 1 (with more
// than kMaxCachedTaps taps, kGroup 4): groups of kGroup channels, whose
// window walk and, when shared, input loads serve all of them.
template <bool kShared, int kGroup>
void Channels(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
              const int8_t* filter, const int32_t* bias, int8_t* output) {
  const int32_t taps = s.f_h * s.f_w;
  const int32_t offset2 = static_cast<int32_t>((static_cast<uint32_t>(d.input_offset) << 16) |
                                               (static_cast<uint32_t>(d.input_offset) & 0xFFFF));
  const int32_t groups_end = s.out_c & ~(kGroup - 1);
  const OutputRange range = {d.output_offset, d.act_min, d.act_max};
  const int32_t input_offset = d.input_offset;
  const bool paired = kShared && s.f_h * ((s.f_w + 1) / 2) * 4 <= kMaxPairWords;
  const bool k3x3 = s.f_h == 3 && s.f_w == 3;
  for (int32_t oc = 0; oc < groups_end; oc += kGroup) {
    int32_t start[kGroup];
    int32_t folded[kGroup];
    ChannelQuant q[kGroup];
    bool right_shifts = true;
    for (int32_t k = 0; k < kGroup; ++k) {
      start[k] = bias != nullptr ? bias[oc + k] : 0;
      uint32_t weight_sum = 0;
      for (int32_t t = 0; t < taps; ++t) {
        weight_sum += static_cast<uint32_t>(filter[t * s.out_c + oc + k]);
      }
      folded[k] = FoldOffset(start[k], weight_sum, d.input_offset);
      q[k] = ChannelQuantOf(d, oc + k);
      right_shifts = right_shifts && q[k].right > 0;
    }
    int32_t pairs[kMaxPairWords / 4 * kGroup];
    if (paired) {
      int32_t* p = pairs;
      for (int32_t fy = 0; fy < s.f_h; ++fy) {
        for (int32_t fx = 0; fx < s.f_w; fx += 2, p += kGroup) {
          const int8_t* w = filter + (fy * s.f_w + fx) * s.out_c + oc;
          for (int32_t k = 0; k < kGroup; ++k) {
            const uint32_t second = fx + 1 < s.f_w ? static_cast<uint32_t>(w[s.out_c + k]) : 0;
            p[k] = static_cast<int32_t>(static_cast<uint16_t>(w[k]) | (second << 16));
          }
        }
      }
    }
    ForEachPixel(d, s, input + (kShared ? oc / d.multiplier : oc), filter + oc, output + oc,
                 [&](const Window& win, bool interior, int8_t* out) {
                   int32_t acc[kGroup];
                   if (interior && paired) {
                     for (int32_t k = 0; k < kGroup; ++k) acc[k] = folded[k];
                     if (k3x3) {
                       AccumulateSharedPairs3x3<kGroup>(win, pairs, acc);
                     } else {
                       AccumulateSharedPairs<kGroup>(win, s.f_w, pairs, acc);
                     }
                   } else {
                     for (int32_t quad = 0; quad < kGroup / 4; ++quad) {
                       Window part = win;
                       part.w += 4 * quad;
                       if (!kShared) part.in += 4 * quad;
                       const int32_t* init = interior ? folded : start;
                       const Acc4 first = {{init[4 * quad], init[4 * quad + 1], init[4 * quad + 2],
                                            init[4 * quad + 3]}};
                       const Acc4 sum = interior ? AccumulateWord<kShared, false>(part, first, 0, 0)
                                                 : AccumulateWord<kShared, true>(
                                                       part, first, input_offset, offset2);
                       for (int32_t k = 0; k < 4; ++k) acc[4 * quad + k] = sum.v[k];
                     }
                   }
                   QuantizeGroup(q, right_shifts, range, acc, out, kGroup);
                 });
  }
  ChannelsScalar(d, s, input, filter, bias, output, groups_end, s.out_c);
}

// Depth multiplier 1 with a small filter: groups of eight, then of four,
// then single channels.
void ChannelsDepth1Cached(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                          const int8_t* filter, const int32_t* bias, int8_t* output) {
  const int32_t sixteens = s.out_c & ~15;
  const int32_t eights = s.out_c & ~7;
  const int32_t fours = s.out_c & ~3;
  if (s.f_h == 3 && s.f_w == 3) {
    ChannelsCached<true, 16>(d, s, input, filter, bias, output, 0, sixteens);
    ChannelsCached<true, 8>(d, s, input, filter, bias, output, sixteens, eights);
    ChannelsCached<true, 4>(d, s, input, filter, bias, output, eights, fours);
  } else {
    ChannelsCached<false, 16>(d, s, input, filter, bias, output, 0, sixteens);
    ChannelsCached<false, 8>(d, s, input, filter, bias, output, sixteens, eights);
    ChannelsCached<false, 4>(d, s, input, filter, bias, output, eights, fours);
  }
  ChannelsScalar(d, s, input, filter, bias, output, fours, s.out_c);
}

}  // namespace

bool RunDsp(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
            const int8_t* filter, const int32_t* bias, int8_t* output) {
  if (d.multiplier == 1 && s.f_h * s.f_w <= kMaxCachedTaps) {
    ChannelsDepth1Cached(d, s, input, filter, bias, output);
    return true;
  }
  if (d.multiplier == 1) {
    Channels<false, 4>(d, s, input, filter, bias, output);
    return true;
  }
  if (d.multiplier % 8 == 0) {
    Channels<true, 8>(d, s, input, filter, bias, output);
    return true;
  }
  if (d.multiplier % 4 == 0) {
    Channels<true, 4>(d, s, input, filter, bias, output);
    return true;
  }
  return false;
}

}  // namespace depthwise
}  // namespace arm
}  // namespace microml

#endif  // __ARM_FEATURE_DSP && !__ARM_FEATURE_MVE
