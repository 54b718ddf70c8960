// Fixed-point arithmetic shared by the quantized kernels. Each function follows
// the rounding of TFLM's reference kernels exactly (double rounding, the
// TFLM default build): bit-exactness depends on it. Where TFLM relies on signed
// overflow wrapping, these wrap explicitly through unsigned arithmetic so that a
// hostile model cannot trigger undefined behaviour.
#ifndef MICROML_KERNELS_QUANTIZATION_H_
#define MICROML_KERNELS_QUANTIZATION_H_

#include <stdint.h>
#include <string.h>

#include <cmath>
#include <limits>

namespace microml {

// The multiplier and shift of frexp's fraction mantissa / 2^53 (mantissa in
// [2^52, 2^53)) and exponent: the fraction rounded to 31 bits, halves up; a
// carry into 2^31 halves it; below 2^-31 it is zero.
inline void MultiplierFromMantissa(uint64_t mantissa, int exponent, int32_t* multiplier,
                                   int* shift) {
  uint64_t fixed = (mantissa + (uint64_t{1} << 21)) >> 22;
  if (fixed == (uint64_t{1} << 31)) {
    fixed >>= 1;
    ++exponent;
  }
  if (exponent < -31) {
    exponent = 0;
    fixed = 0;
  }
  *multiplier = static_cast<int32_t>(fixed);
  *shift = exponent;
}

// Splits `real` into a Q31 multiplier and a power-of-two exponent:
// real ~= multiplier * 2^(shift - 31). Non-finite input yields 0 (callers reject
// such scales before they get here).
inline void QuantizeMultiplier(double real, int32_t* multiplier, int* shift) {
  // Every valid scale is positive and normal: there frexp's fraction is the
  // 53-bit mantissa over 2^53 and rounding it to 31 bits is an add and a
  // shift. Per-channel scales recomputed before each eval take this path,
  // where the library calls cost more than the rest of the work.
  uint64_t bits = 0;
  memcpy(&bits, &real, sizeof(bits));
  const int biased = static_cast<int>(bits >> 52);  // the sign bit makes negatives > 0x7FF
  if (biased > 0 && biased < 0x7FF) {
    const uint64_t mantissa = (bits & ((uint64_t{1} << 52) - 1)) | (uint64_t{1} << 52);
    MultiplierFromMantissa(mantissa, biased - 1022, multiplier, shift);
    return;
  }
  if (real == 0.0 || !std::isfinite(real)) {
    *multiplier = 0;
    *shift = 0;
    return;
  }
  const double q = std::frexp(real, shift);
  int64_t q_fixed = static_cast<int64_t>(std::round(q * static_cast<double>(1LL << 31)));
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++*shift;
  }
  if (*shift < -31) {
    *shift = 0;
    q_fixed = 0;
  }
  *multiplier = static_cast<int32_t>(q_fixed);
}

// The same in integers only (see channel_scale.cc), for cores whose FPU has
// no double precision.
void QuantizeChannelScaleInIntegers(float input_scale, float filter_scale, float output_scale,
                                    int32_t* multiplier, int* shift);

// A convolution channel's requantization as TFLM's
// PopulateConvolutionQuantizationParams works it out for positive finite
// scales: QuantizeMultiplier(double(input) * double(filter) / double(output)).
// Recomputed scales run it before every eval of every per-channel
// convolution (kernels/channel_scale.h): in double precision where the
// hardware has it, else in integers, which cost a third of the software double
// arithmetic.
#if defined(__arm__) && !(defined(__ARM_FP) && (__ARM_FP & 8))
#define MICROML_CHANNEL_SCALE_IN_INTEGERS 1
#else
#define MICROML_CHANNEL_SCALE_IN_INTEGERS 0
#endif
inline void QuantizeChannelScale(float input_scale, float filter_scale, float output_scale,
                                 int32_t* multiplier, int* shift) {
#if MICROML_CHANNEL_SCALE_IN_INTEGERS
  QuantizeChannelScaleInIntegers(input_scale, filter_scale, output_scale, multiplier, shift);
#else
  QuantizeMultiplier(static_cast<double>(input_scale) * static_cast<double>(filter_scale) /
                         static_cast<double>(output_scale),
                     multiplier, shift);
#endif
}

inline int32_t WrappingAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

inline int64_t WrappingAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

inline int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  const bool overflow = a == b && a == std::numeric_limits<int32_t>::min();
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  const int32_t high = static_cast<int32_t>((ab + nudge) / (1LL << 31));
  return overflow ? std::numeric_limits<int32_t>::max() : high;
}

// Division by 2^exponent (0..31) rounding half away from zero.
inline int32_t RoundingDivideByPOT(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// `shift` is the exponent from QuantizeMultiplier; valid range -31..31.
inline int32_t MultiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift) {
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  return RoundingDivideByPOT(
      SaturatingRoundingDoublingHighMul(
          static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift), multiplier),
      right_shift);
}

// 64-bit accumulator variant (int16x8 kernels): the multiplier is reduced to
// Q15 first and the result truncated to 32 bits, as TFLM does. Valid shift
// range -48..14 (TFLM itself assumes -31..7).
inline int32_t MultiplyByQuantizedMultiplier(int64_t x, int32_t multiplier, int shift) {
  const int32_t reduced = multiplier < 0x7FFF0000 ? ((multiplier + (1 << 15)) >> 16) : 0x7FFF;
  const int total_shift = 15 - shift;
  const uint64_t round = static_cast<uint64_t>(1) << (total_shift - 1);
  const uint64_t product =
      static_cast<uint64_t>(x) * static_cast<uint64_t>(static_cast<int64_t>(reduced));
  return static_cast<int32_t>(static_cast<int64_t>(product + round) >> total_shift);
}

// Used by kernels whose multiplier is known to be < 1 (shift <= 0).
inline int32_t MultiplyByQuantizedMultiplierSmallerThanOneExp(int32_t x, int32_t multiplier,
                                                              int shift) {
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, multiplier), -shift);
}

// Used by kernels whose multiplier is known to be >= 1 (shift >= 0).
inline int32_t MultiplyByQuantizedMultiplierGreaterThanOne(int32_t x, int32_t multiplier,
                                                           int shift) {
  return SaturatingRoundingDoublingHighMul(static_cast<int32_t>(static_cast<uint32_t>(x) << shift),
                                           multiplier);
}

// min(max(v, lo), hi), in TFLM's order: when lo > hi the result is hi.
template <typename T>
inline T Clamp(int32_t v, int32_t lo, int32_t hi) {
  v = v < lo ? lo : v;
  return static_cast<T>(v > hi ? hi : v);
}

}  // namespace microml

#endif  // MICROML_KERNELS_QUANTIZATION_H_
