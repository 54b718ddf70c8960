// QuantizeChannelScale without floating point. In the default plan it runs
// before every eval of every per-channel convolution (recomputed scales), and
// without double-precision hardware (Cortex-M4, M0+) double arithmetic, frexp
// and round run in software: this takes a few 32-bit multiplications instead,
// with a reciprocal of the output scale found once per operator.
//
// The double computation it reproduces: the product of two floats is exact in
// a double (24 + 24 bits); the quotient is rounded to 53 bits, to nearest,
// ties to even; frexp takes its exponent; the 53-bit mantissa is rounded to 31
// bits, halves up. Here the quotient is found to 55 or more bits plus whether a
// remainder is left, which decides both roundings exactly.
// tests/runtime/channel_scale_test.cc checks it against the double formula.
#include "kernels/channel_scale.h"

#include <string.h>

#include "kernels/quantization.h"

namespace microml {

namespace {

// x = mantissa * 2^exponent with the mantissa in [2^23, 2^24); x > 0, finite.
void SplitFloat(float x, uint32_t* mantissa, int* exponent) {
  uint32_t bits = 0;
  memcpy(&bits, &x, sizeof(bits));
  const int biased = static_cast<int>((bits >> 23) & 0xFF);
  uint32_t m = bits & 0x7FFFFFu;
  int e = biased - 150;
  if (biased == 0) {
    e = -149;
    while ((m & 0x800000u) == 0) {
      m <<= 1;
      --e;
    }
  } else {
    m |= 0x800000u;
  }
  *mantissa = m;
  *exponent = e;
}

// x > 0.
int BitLength(uint64_t x) {
  return 64 - __builtin_clzll(x);
}

// floor(p * 2^32 / mo) and the remainder, for p < 2^48 and mo in [2^23,
// 2^24), by long division one byte at a time: remainders stay below mo, so
// each step divides less than 2^32.
uint64_t LongDivide(uint64_t p, uint32_t mo, uint32_t* rest) {
  uint32_t r = static_cast<uint32_t>(p >> 16);
  uint64_t q = r / mo;
  r %= mo;
  const uint8_t low[6] = {static_cast<uint8_t>(p >> 8), static_cast<uint8_t>(p), 0, 0, 0, 0};
  for (const uint8_t byte : low) {
    const uint32_t current = (r << 8) | byte;
    q = (q << 8) | (current / mo);
    r = current % mo;
  }
  *rest = r;
  return q;
}

// The same from reciprocal = floor(2^79 / mo), found once per operator: the
// top of p * reciprocal / 2^47 falls short of the quotient by at most 2 (the
// reciprocal is short by less than 1, times p < 2^48, over 2^47), and the
// remainder, below 3 * mo, is exact in 64 bits modulo 2^64.
uint64_t DivideByReciprocal(uint64_t p, uint32_t mo, uint64_t reciprocal, uint32_t* rest) {
  const uint64_t pl = p & 0xFFFFFFFFu, ph = p >> 32;                    // ph < 2^16
  const uint64_t rl = reciprocal & 0xFFFFFFFFu, rh = reciprocal >> 32;  // rh < 2^24
  const uint64_t low = pl * rl;
  const uint64_t mid = ph * rl + pl * rh + (low >> 32);  // below 2^57
  const uint64_t high = ph * rh + (mid >> 32);
  uint64_t q = (high << 17) | ((mid & 0xFFFFFFFFu) >> 15);
  uint64_t r = (p << 32) - q * mo;
  while (r >= mo) {
    r -= mo;
    ++q;
  }
  *rest = static_cast<uint32_t>(r);
  return q;
}

uint64_t ReciprocalOf(uint32_t mo) {
  uint32_t unused = 0;
  return LongDivide(uint64_t{1} << 47, mo, &unused);
}

// The quotient of a float split as (ma, ea) times one split as (mf, ef) by one
// split as (mo, eo), given mo's reciprocal.
void ChannelScaleOfSplits(uint32_t ma, int ea, uint32_t mf, int ef, uint32_t mo, int eo,
                          uint64_t reciprocal, int32_t* multiplier, int* shift) {
  // p in [2^46, 2^48); q = floor(p * 2^32 / mo) in (2^54, 2^57).
  const uint64_t p = static_cast<uint64_t>(ma) * mf;
  uint32_t rest = 0;
  const uint64_t q = DivideByReciprocal(p, mo, reciprocal, &rest);
  // The quotient to 53 bits, to nearest, ties to even (a remainder makes a
  // half more than a half).
  const int drop = BitLength(q) - 53;
  uint64_t kept = q >> drop;
  const uint64_t dropped = q & ((uint64_t{1} << drop) - 1);
  const uint64_t half = uint64_t{1} << (drop - 1);
  if (dropped > half || (dropped == half && (rest != 0 || (kept & 1) != 0))) ++kept;
  int exponent = ea + ef - eo - 32 + drop + 53;
  if (kept == (uint64_t{1} << 53)) {
    kept >>= 1;
    ++exponent;
  }
  MultiplierFromMantissa(kept, exponent, multiplier, shift);
}

}  // namespace

void QuantizeChannelScaleInIntegers(float input_scale, float filter_scale, float output_scale,
                                    int32_t* multiplier, int* shift) {
  uint32_t ma = 0, mf = 0, mo = 0;
  int ea = 0, ef = 0, eo = 0;
  SplitFloat(input_scale, &ma, &ea);
  SplitFloat(filter_scale, &mf, &ef);
  SplitFloat(output_scale, &mo, &eo);
  ChannelScaleOfSplits(ma, ea, mf, ef, mo, eo, ReciprocalOf(mo), multiplier, shift);
}

void QuantizeChannelScalesInIntegers(float input_scale, const VectorRef<float>& filter_scales,
                                     float output_scale, int32_t* multiplier, int8_t* shift) {
  uint32_t ma = 0, mo = 0;
  int ea = 0, eo = 0;
  SplitFloat(input_scale, &ma, &ea);
  SplitFloat(output_scale, &mo, &eo);
  const uint64_t reciprocal = ReciprocalOf(mo);
  for (uint32_t c = 0; c < filter_scales.size(); ++c) {
    uint32_t mf = 0;
    int ef = 0, exponent = 0;
    SplitFloat(filter_scales[c], &mf, &ef);
    ChannelScaleOfSplits(ma, ea, mf, ef, mo, eo, reciprocal, &multiplier[c], &exponent);
    shift[c] = static_cast<int8_t>(exponent);
  }
}

void QuantizeChannelScales(float input_scale, const VectorRef<float>& filter_scales,
                           float output_scale, int32_t* multiplier, int8_t* shift) {
#if MICROML_CHANNEL_SCALE_IN_INTEGERS
  QuantizeChannelScalesInIntegers(input_scale, filter_scales, output_scale, multiplier, shift);
#else
  for (uint32_t c = 0; c < filter_scales.size(); ++c) {
    int exponent = 0;
    QuantizeChannelScale(input_scale, filter_scales[c], output_scale, &multiplier[c], &exponent);
    shift[c] = static_cast<int8_t>(exponent);
  }
#endif
}

}  // namespace microml
