// Integer math of TFLM's signal library: bit length, rounded square roots and
// a fixed-point natural log, with TFLM's exact rounding and saturation.
#ifndef MICROML_KERNELS_SIGNAL_SIGNAL_MATH_H_
#define MICROML_KERNELS_SIGNAL_SIGNAL_MATH_H_

#include <stdint.h>

namespace microml {
namespace signal {

// Bits needed to hold x (its highest set bit, counted from 1). TFLM's GCC
// build answers the full width for 0; every caller here either excludes 0 or
// reaches the same result either way.
inline uint32_t BitLength32(uint32_t x) {
  return x == 0 ? 32u : 32u - static_cast<uint32_t>(__builtin_clz(x));
}

inline uint32_t BitLength64(uint64_t x) {
  return x == 0 ? 64u : 64u - static_cast<uint32_t>(__builtin_clzll(x));
}

// Square root rounded to nearest (up when the remainder exceeds the root),
// saturating at 0xFFFF.
uint16_t RoundedSqrt32(uint32_t x);

// As above for 64 bits, saturating at 0xFFFFFFFF. Values below 2^32 take the
// 32-bit path and so saturate at 0xFFFF, as in TFLM.
uint32_t RoundedSqrt64(uint64_t x);

// ln(x) * out_scale / 2^16 in fixed point (x > 1), with TFLM's interpolated
// log2 table and wrap-around of the final scaling in 32 bits.
uint32_t FixedLog32(uint32_t x, uint32_t out_scale);

}  // namespace signal
}  // namespace microml

#endif  // MICROML_KERNELS_SIGNAL_SIGNAL_MATH_H_
