// The float32 x86 computes' shared steps (FULLY_CONNECTED, CONV_2D): dot
// products of several weight rows with one input run, one row per lane, each
// lane adding its products in input order with separate multiplies and adds,
// as the reference's scalar loop does (a block of rows is transposed in
// registers to give one input's weights for every lane); and the reference's
// output clamp on lanes.
#ifndef MICROML_KERNELS_X86_FLOAT_ROWS_H_
#define MICROML_KERNELS_X86_FLOAT_ROWS_H_

#if defined(__x86_64__)

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/x86/target.h"

namespace microml {
namespace x86 {

// ClampFloat on lanes: x < lo gives lo, then hi < x gives hi (NaN stays).
MICROML_TARGET_SSE41 inline __m128 ClampFloat4(__m128 x, __m128 lo, __m128 hi) {
  x = _mm_blendv_ps(x, lo, _mm_cmplt_ps(x, lo));
  return _mm_blendv_ps(x, hi, _mm_cmplt_ps(hi, x));
}

MICROML_TARGET_AVX2 inline __m256 ClampFloat8(__m256 x, __m256 lo, __m256 hi) {
  x = _mm256_blendv_ps(x, lo, _mm256_cmp_ps(x, lo, _CMP_LT_OQ));
  return _mm256_blendv_ps(x, hi, _mm256_cmp_ps(hi, x, _CMP_LT_OQ));
}

// acc lane j += in[i] * w[j * stride + i] for i = 0 .. n-1 in order.
MICROML_TARGET_SSE41 inline __m128 AddRows4(__m128 acc, const float* in, const float* w,
                                            ptrdiff_t stride, int32_t n) {
  const float* w1 = w + stride;
  const float* w2 = w1 + stride;
  const float* w3 = w2 + stride;
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m128 c0 = _mm_loadu_ps(w + i), c1 = _mm_loadu_ps(w1 + i);
    __m128 c2 = _mm_loadu_ps(w2 + i), c3 = _mm_loadu_ps(w3 + i);
    _MM_TRANSPOSE4_PS(c0, c1, c2, c3);
    acc = _mm_add_ps(acc, _mm_mul_ps(_mm_set1_ps(in[i]), c0));
    acc = _mm_add_ps(acc, _mm_mul_ps(_mm_set1_ps(in[i + 1]), c1));
    acc = _mm_add_ps(acc, _mm_mul_ps(_mm_set1_ps(in[i + 2]), c2));
    acc = _mm_add_ps(acc, _mm_mul_ps(_mm_set1_ps(in[i + 3]), c3));
  }
  for (; i < n; ++i) {
    acc = _mm_add_ps(acc, _mm_mul_ps(_mm_set1_ps(in[i]), _mm_setr_ps(w[i], w1[i], w2[i], w3[i])));
  }
  return acc;
}

// Rows r[0..7] become columns: r[k] lane j = old r[j] lane k.
MICROML_TARGET_AVX2 inline void Transpose8(__m256 r[8]) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
  r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
  r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
  r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
  r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
  r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
  r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
  r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

// AddRows4 on eight rows.
MICROML_TARGET_AVX2 inline __m256 AddRows8(__m256 acc, const float* in, const float* w,
                                           ptrdiff_t stride, int32_t n) {
  int32_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 c[8];
    for (int j = 0; j < 8; ++j) c[j] = _mm256_loadu_ps(w + j * stride + i);
    Transpose8(c);
    for (int k = 0; k < 8; ++k) {
      acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_set1_ps(in[i + k]), c[k]));
    }
  }
  for (; i < n; ++i) {
    alignas(32) float column[8];
    for (int j = 0; j < 8; ++j) column[j] = w[j * stride + i];
    acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_set1_ps(in[i]), _mm256_load_ps(column)));
  }
  return acc;
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__

#endif  // MICROML_KERNELS_X86_FLOAT_ROWS_H_
