// IEEE-754 binary32 and binary64 division for the Armv6-M native module.
//
// libgcc's Armv6-M __aeabi_fdiv and __aeabi_ddiv (divsf3.o, divdf3.o)
// dispatch on the operand classes through jump tables of absolute
// addresses, which MicroPython's natmod linker (tools/mpy_ld.py) refuses in
// code. These take their place in _ml.mpy: integer C without tables, so
// the code is position independent. Round to nearest, ties to even, with
// subnormal operands and results; a NaN operand is returned quieted, an
// invalid operation (0/0, inf/inf) gives the default NaN.
//
// tests/micropython/test_softfloat_armv6m.py compiles this file under other
// names (ML_SOFTFLOAT_NAME) for the host, comparing it with the hardware's
// division, and for the Cortex-M0, comparing it with libgcc's.
#include <stdint.h>

#ifndef ML_SOFTFLOAT_NAME
#define ML_SOFTFLOAT_NAME(name) name
#endif

// The quotient is developed to two bits below the significand (half an ulp
// and a quarter); bit 0 also collects the remainder (sticky), so it reads
// "more than half an ulp" together with bit 1. The exponent is biased; the
// result is subnormal when it is below 1.
static uint32_t round32(uint32_t sign, int32_t exp, uint32_t q) {
  if (exp >= 0xff) {
    return sign | 0x7f800000u;
  }
  if (exp < 1) {
    // Shift into the subnormal position; what falls out is sticky. Beyond
    // 25 places the quotient is below a quarter of the smallest subnormal.
    const uint32_t shift = (uint32_t)(1 - exp);
    q = shift > 25 ? 1u : (q >> shift) | ((q & ((1u << shift) - 1u)) != 0u);
    exp = 1;
  }
  // The leading bit adds one to exp - 1: a normal result gets its exponent,
  // a subnormal one (leading bit shifted out of place) keeps exponent 0, and
  // a carry out of the significand when rounding moves to the next binade,
  // up to infinity.
  uint32_t mag = ((uint32_t)(exp - 1) << 23) + (q >> 2);
  if ((q & 2u) != 0u && ((q & 1u) != 0u || (mag & 1u) != 0u)) {
    mag += 1u;
  }
  return sign | mag;
}

static uint32_t div32(uint32_t a, uint32_t b) {
  const uint32_t sign = (a ^ b) & 0x80000000u;
  const uint32_t inf = 0x7f800000u;
  const uint32_t abs_a = a & 0x7fffffffu;
  const uint32_t abs_b = b & 0x7fffffffu;
  if (abs_a > inf) {
    return a | 0x00400000u;
  }
  if (abs_b > inf) {
    return b | 0x00400000u;
  }
  if (abs_a == inf) {
    return abs_b == inf ? 0x7fc00000u : sign | inf;
  }
  if (abs_b == inf) {
    return sign;
  }
  if (abs_b == 0u) {
    return abs_a == 0u ? 0x7fc00000u : sign | inf;
  }
  if (abs_a == 0u) {
    return sign;
  }
  int32_t exp_a = (int32_t)(abs_a >> 23);
  int32_t exp_b = (int32_t)(abs_b >> 23);
  uint32_t sig_a = (abs_a & 0x007fffffu) | (exp_a != 0 ? 0x00800000u : 0u);
  uint32_t sig_b = (abs_b & 0x007fffffu) | (exp_b != 0 ? 0x00800000u : 0u);
  // A subnormal's exponent is that of the smallest normal (1).
  exp_a += exp_a == 0;
  exp_b += exp_b == 0;
  while ((sig_a & 0x00800000u) == 0u) {
    sig_a <<= 1;
    exp_a -= 1;
  }
  while ((sig_b & 0x00800000u) == 0u) {
    sig_b <<= 1;
    exp_b -= 1;
  }
  int32_t exp = exp_a - exp_b + 127;
  if (sig_a < sig_b) {
    sig_a <<= 1;
    exp -= 1;
  }
  // sig_b <= sig_a < 2 sig_b: 26 quotient bits, the first one set.
  uint32_t rem = sig_a;
  uint32_t q = 0;
  for (int i = 0; i < 26; ++i) {
    q <<= 1;
    if (rem >= sig_b) {
      rem -= sig_b;
      q |= 1u;
    }
    rem <<= 1;
  }
  return round32(sign, exp, q | (rem != 0u));
}

// As round32, for 53-bit significands and an 11-bit exponent.
static uint64_t round64(uint64_t sign, int32_t exp, uint64_t q) {
  if (exp >= 0x7ff) {
    return sign | 0x7ff0000000000000u;
  }
  if (exp < 1) {
    const uint32_t shift = (uint32_t)(1 - exp);
    q = shift > 54 ? 1u : (q >> shift) | ((q & ((UINT64_C(1) << shift) - 1u)) != 0u);
    exp = 1;
  }
  uint64_t mag = ((uint64_t)(exp - 1) << 52) + (q >> 2);
  if ((q & 2u) != 0u && ((q & 1u) != 0u || (mag & 1u) != 0u)) {
    mag += 1u;
  }
  return sign | mag;
}

// `count` bits of *rem / divisor by long division (*rem < 2 divisor); *rem
// becomes the remainder, doubled.
static inline uint32_t quotient_bits(uint64_t* rem, uint64_t divisor, int count) {
  uint64_t r = *rem;
  uint32_t q = 0;
  for (int i = 0; i < count; ++i) {
    q <<= 1;
    if (r >= divisor) {
      r -= divisor;
      q |= 1u;
    }
    r <<= 1;
  }
  *rem = r;
  return q;
}

static uint64_t div64(uint64_t a, uint64_t b) {
  const uint64_t sign = (a ^ b) & 0x8000000000000000u;
  const uint64_t inf = 0x7ff0000000000000u;
  const uint64_t frac = 0x000fffffffffffffu;
  const uint64_t one = 0x0010000000000000u;
  const uint64_t abs_a = a & ~0x8000000000000000u;
  const uint64_t abs_b = b & ~0x8000000000000000u;
  if (abs_a > inf) {
    return a | 0x0008000000000000u;
  }
  if (abs_b > inf) {
    return b | 0x0008000000000000u;
  }
  if (abs_a == inf) {
    return abs_b == inf ? 0x7ff8000000000000u : sign | inf;
  }
  if (abs_b == inf) {
    return sign;
  }
  if (abs_b == 0u) {
    return abs_a == 0u ? 0x7ff8000000000000u : sign | inf;
  }
  if (abs_a == 0u) {
    return sign;
  }
  int32_t exp_a = (int32_t)(abs_a >> 52);
  int32_t exp_b = (int32_t)(abs_b >> 52);
  uint64_t sig_a = (abs_a & frac) | (exp_a != 0 ? one : 0u);
  uint64_t sig_b = (abs_b & frac) | (exp_b != 0 ? one : 0u);
  exp_a += exp_a == 0;
  exp_b += exp_b == 0;
  while ((sig_a & one) == 0u) {
    sig_a <<= 1;
    exp_a -= 1;
  }
  while ((sig_b & one) == 0u) {
    sig_b <<= 1;
    exp_b -= 1;
  }
  int32_t exp = exp_a - exp_b + 1023;
  if (sig_a < sig_b) {
    sig_a <<= 1;
    exp -= 1;
  }
  // sig_b <= sig_a < 2 sig_b: 55 quotient bits, the first one set, in two
  // 32-bit words (Armv6-M then keeps the loop's values in registers).
  uint64_t rem = sig_a;
  const uint32_t q_hi = quotient_bits(&rem, sig_b, 23);
  const uint32_t q_lo = quotient_bits(&rem, sig_b, 32);
  return round64(sign, exp, ((uint64_t)q_hi << 32 | q_lo) | (rem != 0u));
}

// The run-time ABI passes floats in core registers (base procedure call
// standard), as a soft-float build passes them to any function.
typedef union {
  float f;
  uint32_t u;
} ml_f32_bits;

typedef union {
  double f;
  uint64_t u;
} ml_f64_bits;

float ML_SOFTFLOAT_NAME(__aeabi_fdiv)(float a, float b);
double ML_SOFTFLOAT_NAME(__aeabi_ddiv)(double a, double b);

float ML_SOFTFLOAT_NAME(__aeabi_fdiv)(float a, float b) {
  const ml_f32_bits x = {.f = a};
  const ml_f32_bits y = {.f = b};
  const ml_f32_bits r = {.u = div32(x.u, y.u)};
  return r.f;
}

double ML_SOFTFLOAT_NAME(__aeabi_ddiv)(double a, double b) {
  const ml_f64_bits x = {.f = a};
  const ml_f64_bits y = {.f = b};
  const ml_f64_bits r = {.u = div64(x.u, y.u)};
  return r.f;
}
