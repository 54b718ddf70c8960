// Q-format fixed-point math on raw int32 values with gemmlowp's semantics, as
// TFLM's quantized LOGISTIC, TANH, LOG_SOFTMAX, L2_NORMALIZATION and RSQRT use
// it. A value in "Qn" has n integer bits and 31 - n fractional bits. Additions
// wrap through unsigned arithmetic where TFLM's would overflow, so hostile
// inputs stay free of undefined behaviour and give TFLM's (wrapping) result.
#ifndef MICROML_KERNELS_FIXED_POINT_H_
#define MICROML_KERNELS_FIXED_POINT_H_

#include <stdint.h>

#include <limits>

#include "kernels/quantization.h"

namespace microml {
namespace fx {

constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
constexpr int32_t kMin = std::numeric_limits<int32_t>::min();

inline int32_t Add(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
inline int32_t Sub(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
}
inline int32_t Neg(int32_t a) {
  return Sub(0, a);
}
inline int32_t Mul(int32_t a, int32_t b) {
  return SaturatingRoundingDoublingHighMul(a, b);
}

inline int32_t SaturatingAdd(int32_t a, int32_t b) {
  const int64_t s = static_cast<int64_t>(a) + b;
  return static_cast<int32_t>(s > kMax ? kMax : (s < kMin ? kMin : s));
}
inline int32_t SaturatingSub(int32_t a, int32_t b) {
  const int64_t s = static_cast<int64_t>(a) - b;
  return static_cast<int32_t>(s > kMax ? kMax : (s < kMin ? kMin : s));
}

inline int32_t RoundingHalfSum(int32_t a, int32_t b) {
  const int64_t sum = static_cast<int64_t>(a) + b;
  return static_cast<int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
}

// x * 2^exponent for exponent in [-31, 31]: saturating when positive, rounding
// to nearest when negative.
inline int32_t MulByPOT(int32_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return RoundingDivideByPOT(x, -exponent);
  const int32_t threshold = static_cast<int32_t>((1LL << (31 - exponent)) - 1);
  if (x > threshold) return kMax;
  if (x < -threshold) return kMin;
  return static_cast<int32_t>(static_cast<uint32_t>(x) << exponent);
}

// Changes the number of integer bits from `from` to `to`.
inline int32_t Rescale(int32_t x, int from, int to) {
  return MulByPOT(x, from - to);
}

inline int CountLeadingZeros(uint32_t x) {
  return x == 0 ? 32 : __builtin_clz(x);
}

// exp(a) for Q0 a in [-1/4, 0): Taylor expansion around -1/8.
inline int32_t ExpOnQuarterInterval(int32_t a) {
  const int32_t kExpMinusOneEighth = 1895147668;
  const int32_t kOneThird = 715827883;
  const int32_t x = Add(a, 1 << 28);
  const int32_t x2 = Mul(x, x);
  const int32_t x3 = Mul(x2, x);
  const int32_t x4 = Mul(x2, x2);
  const int32_t x4_over_4 = MulByPOT(x4, -2);
  const int32_t poly = MulByPOT(Add(Mul(Add(x4_over_4, x3), kOneThird), x2), -1);
  return Add(kExpMinusOneEighth, Mul(kExpMinusOneEighth, Add(x, poly)));
}

// exp(a) as Q0 for a <= 0 in Q`kIntegerBits`.
template <int kIntegerBits>
int32_t ExpOnNegativeValues(int32_t a) {
  constexpr int kFractionalBits = 31 - kIntegerBits;
  constexpr int32_t kOneQuarter = 1 << (kFractionalBits - 2);
  const int32_t a_mod_quarter_minus_quarter = Sub(a & (kOneQuarter - 1), kOneQuarter);
  int32_t result = ExpOnQuarterInterval(Rescale(a_mod_quarter_minus_quarter, kIntegerBits, 0));
  const int32_t remainder = Sub(a_mod_quarter_minus_quarter, a);
  // exp(-2^k) for k = -2..4, applied for each bit of the remainder the format has.
  const int32_t kFactors[] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  for (int k = -2; k <= 4; ++k) {
    if (kIntegerBits > k && (remainder & (1 << (kFractionalBits + k))) != 0) {
      result = Mul(result, kFactors[k + 2]);
    }
  }
  // Formats with more than 5 integer bits flush exp(a < -32) to zero.
  constexpr int kClampBits = kIntegerBits > 5 ? 36 - kIntegerBits : 0;
  if (kIntegerBits > 5 && a < -(1 << kClampBits)) result = 0;
  return a == 0 ? kMax : result;
}

// Newton-Raphson reciprocal shared by the two functions below: 1 / (1 + a) in
// Q2 for Q0 a in [0, 1).
inline int32_t ReciprocalOfOnePlusXQ2(int32_t a) {
  const int32_t half_denominator = RoundingHalfSum(a, kMax);
  const int32_t kFortyEightOverSeventeen = 1515870810;
  const int32_t kMinusThirtyTwoOverSeventeen = -1010580540;
  const int32_t kOneQ2 = 1 << 29;
  int32_t x = Add(kFortyEightOverSeventeen, Mul(half_denominator, kMinusThirtyTwoOverSeventeen));
  for (int i = 0; i < 3; ++i) {
    const int32_t one_minus = Sub(kOneQ2, Mul(half_denominator, x));
    x = Add(x, Rescale(Mul(x, one_minus), 4, 2));
  }
  return x;
}

// 1 / (1 + a) as Q0.
inline int32_t OneOverOnePlusX(int32_t a) {
  return Rescale(ReciprocalOfOnePlusXQ2(a), 1, 0);
}

// (1 - a) / (1 + a) as Q0.
inline int32_t OneMinusXOverOnePlusX(int32_t a) {
  return Rescale(Sub(ReciprocalOfOnePlusXQ2(a), 1 << 29), 2, 0);
}

// logistic(a) as Q0 for a in Q`kIntegerBits`.
template <int kIntegerBits>
int32_t Logistic(int32_t a) {
  if (a == 0) return 1 << 30;
  const int32_t abs_a = a > 0 ? a : Neg(a);
  const int32_t positive = OneOverOnePlusX(ExpOnNegativeValues<kIntegerBits>(Neg(abs_a)));
  return a > 0 ? positive : Sub(kMax, positive);
}

// tanh(a) as Q0 for a in Q`kIntegerBits`; exp(-2|a|) reinterprets the raw value
// with one more integer bit.
template <int kIntegerBits>
int32_t Tanh(int32_t a) {
  if (a == 0) return 0;
  const int32_t non_positive = a < 0 ? a : Neg(a);
  const int32_t t = OneMinusXOverOnePlusX(ExpOnNegativeValues<kIntegerBits + 1>(non_positive));
  return a < 0 ? Neg(t) : t;
}

// log(a) in Q`kOutputIntegerBits` for a >= 1 in Q`kInputIntegerBits`, by TFLM's
// rational approximation (log_x_for_x_greater_than_or_equal_to_1).
template <int kOutputIntegerBits, int kInputIntegerBits>
int32_t LogOfAtLeastOne(int32_t a) {
  constexpr int kAccumBits = kOutputIntegerBits + 1;
  const int32_t kLog2 = 1488522236;
  const int32_t kSqrtSqrtHalf = 1805811301;
  const int32_t kSqrtHalf = 1518500250;
  const int32_t kOneQuarter = 536870912;
  const int32_t kAlphaN = 117049297;
  const int32_t kAlphaD = 127690142;
  const int32_t kAlphaI = 1057819769;
  const int32_t kAlphaF = 638450708;
  const int32_t shifted_quarter = Rescale(kOneQuarter, 0, kAccumBits);

  const int z_a_headroom_plus_1 = CountLeadingZeros(static_cast<uint32_t>(a));
  const int32_t r_a_tmp = MulByPOT(a, z_a_headroom_plus_1 - 1);
  const int32_t r_a = MulByPOT(Mul(r_a_tmp, kSqrtHalf), 1);
  const int32_t z_a_pow_2_adj = SaturatingAdd(
      MulByPOT(kInputIntegerBits - z_a_headroom_plus_1, 31 - kAccumBits), shifted_quarter);

  const int32_t z_b = Mul(a, kSqrtHalf);
  const int z_b_headroom = CountLeadingZeros(static_cast<uint32_t>(z_b)) - 1;
  const int32_t r_b = MulByPOT(a, z_b_headroom);
  const int32_t z_b_pow_2_adj =
      SaturatingSub(MulByPOT(kInputIntegerBits - z_b_headroom, 31 - kAccumBits), shifted_quarter);

  const int32_t r = r_a < r_b ? r_a : r_b;
  const int32_t z_pow_2_adj = z_a_pow_2_adj > z_b_pow_2_adj ? z_a_pow_2_adj : z_b_pow_2_adj;

  const int32_t p = RoundingHalfSum(r, kSqrtSqrtHalf);
  int32_t q = Sub(r, kSqrtSqrtHalf);
  q = Add(q, q);
  const int32_t common_sq = Mul(q, q);
  const int32_t num = Add(Mul(q, r), Mul(Mul(q, common_sq), kAlphaN));
  const int32_t denom_minus_one =
      Add(Mul(p, Add(Add(kAlphaI, q), Mul(kAlphaD, common_sq))), Mul(kAlphaF, q));
  const int32_t recip_denom = OneOverOnePlusX(denom_minus_one);
  const int32_t num_scaled = Rescale(num, 0, kAccumBits);
  return Rescale(Add(Mul(z_pow_2_adj, kLog2), Mul(num_scaled, recip_denom)), kAccumBits,
                 kOutputIntegerBits);
}

// 1 / sqrt(input) as a multiplier and a left shift (TFLM's
// GetInvSqrtQuantizedMultiplierExp with reverse_shift = -1).
inline void InvSqrtMultiplier(int32_t input, int32_t* multiplier, int* shift) {
  if (input <= 1) {
    *multiplier = kMax;
    *shift = 0;
    return;
  }
  int right_shift = 11;
  while (input >= (1 << 29)) {
    input /= 4;
    ++right_shift;
  }
  const int max_left_shift_bit_pairs = (CountLeadingZeros(static_cast<uint32_t>(input)) - 1) / 2;
  const int left_shift_bit_pairs = max_left_shift_bit_pairs - 1;
  right_shift -= left_shift_bit_pairs;
  input <<= 2 * left_shift_bit_pairs;
  // Newton-Raphson in Q3, from x = 1, five iterations.
  const int32_t half_input = RoundingDivideByPOT(input >> 1, 1);
  const int32_t kHalfThree = (1 << 28) + (1 << 27);
  int32_t x = 1 << 28;
  for (int i = 0; i < 5; ++i) {
    const int32_t x3 = Rescale(Mul(Mul(x, x), x), 9, 3);
    x = Rescale(Sub(Mul(kHalfThree, x), Mul(half_input, x3)), 6, 3);
  }
  const int32_t kHalfSqrt2 = 1518500250;
  x = Mul(x, kHalfSqrt2);
  if (right_shift < 0) {
    x = static_cast<int32_t>(static_cast<uint32_t>(x) << -right_shift);
    right_shift = 0;
  }
  *multiplier = x;
  *shift = -right_shift;
}

}  // namespace fx
}  // namespace microml

#endif  // MICROML_KERNELS_FIXED_POINT_H_
