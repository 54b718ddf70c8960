// QuantizeChannelScale without floating point. In the default plan it runs
// before every eval of every per-channel convolution (recomputed scales), and
// without double-precision hardware (Cortex-M4, M0+) double arithmetic, frexp
// and round run in software: this takes a few 32-bit divisions instead.
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

// The quotient of a float split as (ma, ea) times one split as (mf, ef) by one
// split as (mo, eo).
void ChannelScaleOfSplits(uint32_t ma, int ea, uint32_t mf, int ef, uint32_t mo, int eo,
                          int32_t* multiplier, int* shift) {
  // p in [2^46, 2^48); q = floor(p * 2^32 / mo) in (2^54, 2^57), by long
  // division one byte at a time: remainders stay below mo < 2^24, so each step
  // divides less than 2^32.
  const uint64_t p = static_cast<uint64_t>(ma) * mf;
  uint32_t rest = static_cast<uint32_t>(p >> 16);
  uint64_t q = rest / mo;
  rest %= mo;
  const uint8_t low[6] = {static_cast<uint8_t>(p >> 8), static_cast<uint8_t>(p), 0, 0, 0, 0};
  for (const uint8_t byte : low) {
    const uint32_t current = (rest << 8) | byte;
    q = (q << 8) | (current / mo);
    rest = current % mo;
  }
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
  ChannelScaleOfSplits(ma, ea, mf, ef, mo, eo, multiplier, shift);
}

void QuantizeChannelScalesInIntegers(float input_scale, const VectorRef<float>& filter_scales,
                                     float output_scale, int32_t* multiplier, int8_t* shift) {
  uint32_t ma = 0, mo = 0;
  int ea = 0, eo = 0;
  SplitFloat(input_scale, &ma, &ea);
  SplitFloat(output_scale, &mo, &eo);
  for (uint32_t c = 0; c < filter_scales.size(); ++c) {
    uint32_t mf = 0;
    int ef = 0, exponent = 0;
    SplitFloat(filter_scales[c], &mf, &ef);
    ChannelScaleOfSplits(ma, ea, mf, ef, mo, eo, &multiplier[c], &exponent);
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
