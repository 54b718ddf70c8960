#include "kernels/signal/signal_math.h"

namespace microml {
namespace signal {

namespace {

// round((log2(1 + i/128) - i/128) * 65536) for i = 0..128: the correction
// from a linear guess of log2 on [1, 2) to the true value, in 1/65536ths.
const uint16_t kLog2Correction[129] = {
    0,    224,  442,  654,  861,  1063, 1259, 1450, 1636, 1817, 1992, 2163, 2329, 2490, 2646,
    2797, 2944, 3087, 3224, 3358, 3487, 3611, 3732, 3848, 3960, 4068, 4172, 4272, 4368, 4460,
    4549, 4633, 4714, 4791, 4864, 4934, 5001, 5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408,
    5444, 5477, 5507, 5533, 5557, 5578, 5595, 5610, 5622, 5631, 5637, 5640, 5641, 5638, 5633,
    5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370, 5332, 5291, 5249,
    5203, 5156, 5106, 5054, 5000, 4944, 4885, 4825, 4762, 4697, 4630, 4561, 4490, 4416, 4341,
    4264, 4184, 4103, 4020, 3935, 3848, 3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981,
    2875, 2768, 2659, 2549, 2437, 2323, 2207, 2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224,
    1094, 963,  830,  695,  559,  421,  282,  142,  0};

constexpr int kLogFractionBits = 16;
constexpr int kLogSegmentBits = 7;   // 128 table segments
constexpr uint32_t kLn2Q16 = 45426;  // ln(2) * 65536

// Digit-by-digit integer square root: floor(sqrt(x)) and the remainder.
template <typename U>
U FloorSqrt(U x, U* remainder, uint32_t bit_length) {
  // Start at the highest even power of two not above x.
  const uint32_t width = sizeof(U) * 8;
  const uint32_t leading = (width - bit_length) | 1u;
  U bit = static_cast<U>(1) << (width - 1 - leading);
  U root = 0;
  while (bit != 0) {
    if (x >= root + bit) {
      x -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  *remainder = x;
  return root;
}

// The fractional part of log2(x) for x in [2^log2x, 2^(log2x + 1)), in
// 1/65536ths: the linear guess plus the interpolated table correction.
uint32_t Log2Fraction(uint32_t x, uint32_t log2x) {
  int32_t frac = static_cast<int32_t>(static_cast<int64_t>(x) - (static_cast<int64_t>(1) << log2x));
  if (log2x < static_cast<uint32_t>(kLogFractionBits)) {
    frac = static_cast<int32_t>(static_cast<uint32_t>(frac) << (kLogFractionBits - log2x));
  } else {
    frac >>= log2x - kLogFractionBits;
  }
  const uint32_t segment = static_cast<uint32_t>(frac) >> (kLogFractionBits - kLogSegmentBits);
  const int32_t c0 = kLog2Correction[segment];
  const int32_t c1 = kLog2Correction[segment + 1];
  const int32_t segment_start =
      static_cast<int32_t>(segment << (kLogFractionBits - kLogSegmentBits));
  const int32_t interpolated = ((c1 - c0) * (frac - segment_start)) >> kLogFractionBits;
  return static_cast<uint32_t>(frac + c0 + interpolated);
}

}  // namespace

uint16_t RoundedSqrt32(uint32_t x) {
  if (x == 0) return 0;
  uint32_t remainder = 0;
  uint32_t root = FloorSqrt<uint32_t>(x, &remainder, BitLength32(x));
  if (remainder > root && root != 0xFFFFu) ++root;
  return static_cast<uint16_t>(root);
}

uint32_t RoundedSqrt64(uint64_t x) {
  if ((x >> 32) == 0) return RoundedSqrt32(static_cast<uint32_t>(x));
  uint64_t remainder = 0;
  uint64_t root = FloorSqrt<uint64_t>(x, &remainder, BitLength64(x));
  if (remainder > root && root != 0xFFFFFFFFull) ++root;
  return static_cast<uint32_t>(root);
}

uint32_t FixedLog32(uint32_t x, uint32_t out_scale) {
  const uint32_t integer = BitLength32(x) - 1;
  const uint32_t log2 = (integer << kLogFractionBits) + Log2Fraction(x, integer);
  const uint32_t half = 1u << (kLogFractionBits - 1);
  const uint32_t ln =
      static_cast<uint32_t>((static_cast<uint64_t>(kLn2Q16) * log2 + half) >> kLogFractionBits);
  return (out_scale * ln + half) >> kLogFractionBits;
}

}  // namespace signal
}  // namespace microml
