// Requantization of 16 int32 lanes on AVX-512 (the VNNI level), bit-identical
// with MultiplyByQuantizedMultiplier for right shifts of 1 to 31: requantize.h's
// RequantizeRight8 on 512 bits, with the per-lane shift terms precomputed.
#ifndef MICROML_KERNELS_X86_REQUANTIZE512_H_
#define MICROML_KERNELS_X86_REQUANTIZE512_H_

#if defined(__x86_64__)

#include <immintrin.h>
#include <stdint.h>

#include "kernels/x86/target.h"

namespace microml {
namespace x86 {
namespace requantize512 {

// Some unmasked operations of gcc 12's avx512fintrin.h start from a
// self-initialized value that -Wuninitialized reports once inlined; their
// zero-masked forms with every lane selected are the same instructions.
inline constexpr __mmask16 kAll16 = 0xFFFF;
inline constexpr __mmask8 kAll8 = 0xFF;

// 16 lanes of Requantize(x, multiplier, -(post + 1)) (requantize.h's
// RequantizeRight8 on 512 bits): the high word of
// x * m + 2^30 + (half - [x < 0]) * 2^31, shifted right by post. VPMULDQ
// multiplies the even lanes; the odd ones are moved down for a second one.
MICROML_TARGET_VNNI inline __m512i RequantizeRight16(__m512i x, __m512i m, __m512i post,
                                                     __m512i half) {
  const __m512i c = _mm512_add_epi32(half, _mm512_maskz_srai_epi32(kAll16, x, 31));
  const __m512i round = _mm512_set1_epi64(int64_t{1} << 30);
  const __m512i low_words = _mm512_set1_epi64(0xFFFFFFFFll);
  const __m512i c_even = _mm512_maskz_slli_epi64(kAll8, _mm512_and_si512(c, low_words), 31);
  const __m512i c_odd = _mm512_maskz_slli_epi64(kAll8, _mm512_maskz_srli_epi64(kAll8, c, 32), 31);
  const __m512i p_even =
      _mm512_add_epi64(_mm512_maskz_mul_epi32(kAll8, x, m), _mm512_add_epi64(c_even, round));
  const __m512i p_odd =
      _mm512_add_epi64(_mm512_maskz_mul_epi32(kAll8, _mm512_maskz_srli_epi64(kAll8, x, 32),
                                              _mm512_maskz_srli_epi64(kAll8, m, 32)),
                       _mm512_add_epi64(c_odd, round));
  const __m512i high =
      _mm512_mask_blend_epi32(0xAAAA, _mm512_maskz_srli_epi64(kAll8, p_even, 32), p_odd);
  return _mm512_maskz_srav_epi32(kAll16, high, post);
}

}  // namespace requantize512

using requantize512::RequantizeRight16;

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__

#endif  // MICROML_KERNELS_X86_REQUANTIZE512_H_
