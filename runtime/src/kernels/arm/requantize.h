// MultiplyByQuantizedMultiplier (quantization.h) rewritten for speed, with
// identical results for every int32 input and every non-negative multiplier
// (QuantizeMultiplier never makes a negative one): one Helium variant working
// on four lanes at once and one scalar variant for everything else.
#ifndef MICROML_KERNELS_ARM_REQUANTIZE_H_
#define MICROML_KERNELS_ARM_REQUANTIZE_H_

#include <stdint.h>

#if defined(__ARM_FEATURE_MVE)
#include <arm_mve.h>
#endif

#include "kernels/quantization.h"

namespace microml {
namespace arm {

// With m >= 0 the doubling high multiply cannot saturate, and its
// truncating division of (x * m + nudge) by 2^31 equals h = floor((x * m +
// 2^30) / 2^31) for either sign of the product (for a negative product the
// nudge is 1 - 2^30, and ceil(n / 2^31) = floor((n + 2^31 - 1) / 2^31)).
// RoundingDivideByPOT(h, e) for e > 0 is floor((h + c) / 2^e) with
// c = 2^(e-1) - [h < 0], and floor((floor(P / 2^31) + c) / 2^e) =
// floor((P + c * 2^31) / 2^(31 + e)): both roundings in one 64-bit sum, whose
// high word shifted right by e - 1 is the result (the low word cannot carry
// into it: its contribution is below one unit of 2^(e-1)).
// Requantize for shift < 0 only, for callers that test the sign once for many
// values.
inline int32_t RequantizeRight(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t e = -shift;
#if defined(__ARM_FEATURE_DSP)
  // The same sum in four instructions (gcc spends eight on adding c * 2^31).
  uint32_t lo = 1u << 30;
  int32_t hi = 0;
  int32_t c;
  __asm__(
      "smlal %[lo], %[hi], %[x], %[m]\n"
      "add %[c], %[nudge], %[hi], asr #31\n"
      "adds %[lo], %[lo], %[c], lsl #31\n"
      "adc %[hi], %[hi], %[c], lsr #1\n"
      : [lo] "+&r"(lo), [hi] "+&r"(hi), [c] "=&r"(c)
      : [x] "r"(x), [m] "r"(multiplier), [nudge] "r"(1 << (e - 1))
      : "cc");
  return hi >> (e - 1);
#else
  int64_t p = static_cast<int64_t>(x) * multiplier + (int64_t{1} << 30);
  const int32_t c = (1 << (e - 1)) + (static_cast<int32_t>(p >> 32) >> 31);
  p += static_cast<int64_t>(c) * (int64_t{1} << 31);
  return static_cast<int32_t>(p >> 32) >> (e - 1);
#endif
}

// RequantizeRight(x, multiplier, -(right + 1)) given nudge = 1 << right, for
// loops that compute both once for many values. c (above) may be taken from
// the sign of x rather than h: they differ only for -2^30 <= x * m < 0, where
// h = 0 and both c give the quotient 0. Starting the 64-bit sum at
// 2^30 + c * 2^31 rather than adding c after the multiply saves two
// instructions on the Arm DSP.
inline int32_t RequantizeRightBy(int32_t x, int32_t multiplier, int32_t nudge, int32_t right) {
#if defined(__ARM_FEATURE_DSP)
  uint32_t lo;
  int32_t hi;
  int32_t c;
  __asm__(
      "add %[c], %[nudge], %[x], asr #31\n"
      "lsl %[lo], %[c], #31\n"
      "orr %[lo], %[lo], #0x40000000\n"
      "lsr %[hi], %[c], #1\n"
      "smlal %[lo], %[hi], %[x], %[m]\n"
      : [lo] "=&r"(lo), [hi] "=&r"(hi), [c] "=&r"(c)
      : [x] "r"(x), [m] "r"(multiplier), [nudge] "r"(nudge));
  return hi >> right;
#else
  static_cast<void>(nudge);
  return RequantizeRight(x, multiplier, -(right + 1));
#endif
}

inline int32_t Requantize(int32_t x, int32_t multiplier, int32_t shift) {
  if (shift >= 0) {
    const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << shift);
    return static_cast<int32_t>((static_cast<int64_t>(shifted) * multiplier + (int64_t{1} << 30)) >>
                                31);
  }
  return RequantizeRight(x, multiplier, shift);
}

#if defined(__ARM_FEATURE_MVE)
// The per-lane multipliers and shifts of RequantizeMve, split once for many
// vectors.
struct MveScale {
  int32x4_t multiplier;
  int32x4_t left;   // max(shift, 0)
  int32x4_t right;  // min(shift, 0)
};

inline MveScale MveScaleOf(int32x4_t multiplier, int32x4_t shift) {
  const int32x4_t zero = vdupq_n_s32(0);
  return MveScale{multiplier, vmaxq_s32(shift, zero), vminq_s32(shift, zero)};
}

// Four lanes of Requantize: VQRDMULH is the doubling high multiply itself
// (saturation included), VSHL by a positive lane count a wrapping left shift,
// and VRSHL rounds half up, so negative lanes are first lowered by one (a
// saturating add: INT32_MIN gives the same quotient either way) to round half
// away from zero.
// RequantizeMve for shifts <= 0 (`right` = the shifts).
inline int32x4_t RequantizeMveRight(int32x4_t x, int32x4_t multiplier, int32x4_t right) {
  const int32x4_t high = vqrdmulhq_s32(x, multiplier);
  const int32x4_t fix = vshrq_n_s32(vandq_s32(high, right), 31);
  return vrshlq_s32(vqaddq_s32(high, fix), right);
}

inline int32x4_t RequantizeMve(int32x4_t x, const MveScale& s) {
  return RequantizeMveRight(vshlq_s32(x, s.left), s.multiplier, s.right);
}

inline int32x4_t RequantizeMve(int32x4_t x, int32x4_t multiplier, int32x4_t shift) {
  return RequantizeMve(x, MveScaleOf(multiplier, shift));
}
#endif

}  // namespace arm
}  // namespace microml

#endif  // MICROML_KERNELS_ARM_REQUANTIZE_H_
