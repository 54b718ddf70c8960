// Requantization of int32 sums to int8 outputs, bit-identical with
// MultiplyByQuantizedMultiplier (arm/requantize.h explains the one 64-bit sum
// it becomes): eight lanes with AVX2, and the scalar form for lanes whose
// shift the vector form does not take.
#ifndef MICROML_KERNELS_X86_REQUANTIZE_H_
#define MICROML_KERNELS_X86_REQUANTIZE_H_

#if defined(__x86_64__)

#include <immintrin.h>
#include <stdint.h>

#include "kernels/arm/requantize.h"
#include "kernels/x86/target.h"

namespace microml {
namespace x86 {

// One output: (scaled sum + offset) clamped to [lo, hi].
inline int8_t FinishScalar(int32_t sum, int32_t multiplier, int32_t shift, int32_t offset,
                           int32_t lo, int32_t hi) {
  const int32_t scaled = arm::Requantize(sum, multiplier, shift);
  return Clamp<int8_t>(WrappingAdd(scaled, offset), lo, hi);
}

// Whether every lane's shift is a right shift of 1 to 31, the shifts
// RequantizeRight8 takes.
MICROML_TARGET_AVX2 inline bool RightShifts8(__m256i shift) {
  const __m256i bad = _mm256_or_si256(_mm256_cmpgt_epi32(shift, _mm256_set1_epi32(-1)),
                                      _mm256_cmpgt_epi32(_mm256_set1_epi32(-31), shift));
  return _mm256_testz_si256(bad, bad) != 0;
}

// Eight lanes of Requantize(x, multiplier, shift) for shifts in [-31, -1]:
// with e = -shift, floor((x * m + 2^30 + c * 2^31) / 2^(31 + e)) where
// c = 2^(e-1) - [x < 0] >= 0, i.e. the high word of the 64-bit sum shifted
// right by e - 1 (arm/requantize.h's RequantizeRightBy). VPMULDQ multiplies
// the even lanes, so the odd ones are moved down for a second multiply.
MICROML_TARGET_AVX2 inline __m256i RequantizeRight8(__m256i x, __m256i multiplier, __m256i shift) {
  const __m256i post = _mm256_sub_epi32(_mm256_set1_epi32(-1), shift);  // e - 1
  const __m256i half = _mm256_sllv_epi32(_mm256_set1_epi32(1), post);   // 2^(e-1)
  const __m256i c = _mm256_add_epi32(half, _mm256_srai_epi32(x, 31));
  const __m256i round = _mm256_set1_epi64x(int64_t{1} << 30);
  const __m256i low_words = _mm256_set1_epi64x(0xFFFFFFFFll);
  const __m256i c_even = _mm256_slli_epi64(_mm256_and_si256(c, low_words), 31);
  const __m256i c_odd = _mm256_slli_epi64(_mm256_srli_epi64(c, 32), 31);
  const __m256i p_even =
      _mm256_add_epi64(_mm256_mul_epi32(x, multiplier), _mm256_add_epi64(c_even, round));
  const __m256i p_odd = _mm256_add_epi64(
      _mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(multiplier, 32)),
      _mm256_add_epi64(c_odd, round));
  const __m256i high = _mm256_blend_epi32(_mm256_srli_epi64(p_even, 32), p_odd, 0xAA);
  return _mm256_srav_epi32(high, post);
}

// Eight int32 lanes, already within int8, stored as eight bytes.
MICROML_TARGET_AVX2 inline void StoreInt8x8(int8_t* out, __m256i v) {
  const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_packs_epi16(words, words));
}

// Eight outputs: sums requantized by per-lane multipliers and shifts, plus
// the output offset, clamped to [lo, hi].
MICROML_TARGET_AVX2 inline void Finish8(__m256i sum, __m256i multiplier, __m256i shift,
                                        int32_t offset, int32_t lo, int32_t hi, int8_t* out) {
  if (!RightShifts8(shift)) {
    alignas(32) int32_t s[8];
    alignas(32) int32_t m[8];
    alignas(32) int32_t e[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(s), sum);
    _mm256_store_si256(reinterpret_cast<__m256i*>(m), multiplier);
    _mm256_store_si256(reinterpret_cast<__m256i*>(e), shift);
    for (int i = 0; i < 8; ++i) out[i] = FinishScalar(s[i], m[i], e[i], offset, lo, hi);
    return;
  }
  __m256i v = _mm256_add_epi32(RequantizeRight8(sum, multiplier, shift), _mm256_set1_epi32(offset));
  v = _mm256_min_epi32(_mm256_max_epi32(v, _mm256_set1_epi32(lo)), _mm256_set1_epi32(hi));
  StoreInt8x8(out, v);
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__

#endif  // MICROML_KERNELS_X86_REQUANTIZE_H_
