// Float FULLY_CONNECTED on x86-64. Lanes are units, so each lane's sum runs
// over the depth in the reference's order; a block of the units' weight rows
// (4 x 4 or 8 x 8) is transposed in registers to give one depth step's
// weights for all lanes. No fused multiply-add: the reference rounds each
// product before adding it (see x86/depthwise_float.cc).
#if defined(__x86_64__)

#include "kernels/x86/fully_connected_float.h"

#include <immintrin.h>
#include <stdint.h>

#include "kernels/activation.h"
#include "kernels/x86/target.h"

namespace microml {
namespace x86 {

namespace {

// Units [u, units) of one batch row, as the reference computes them.
void ScalarUnits(const FullyConnectedParams& d, const float* in, const float* filter,
                 const float* bias, int32_t u, float* out) {
  for (; u < d.units; ++u) {
    const float* w = filter + static_cast<ptrdiff_t>(u) * d.depth;
    float acc = 0.0f;
    for (int32_t i = 0; i < d.depth; ++i) acc = acc + in[i] * w[i];
    out[u] = ClampFloat(acc + (bias != nullptr ? bias[u] : 0.0f), d.float_min, d.float_max);
  }
}

MICROML_TARGET_SSE41 inline __m128 Clamp4(__m128 x, __m128 lo, __m128 hi) {
  x = _mm_blendv_ps(x, lo, _mm_cmplt_ps(x, lo));
  return _mm_blendv_ps(x, hi, _mm_cmplt_ps(hi, x));
}

// Units from u on in groups of four; returns the first unit left.
MICROML_TARGET_SSE41 int32_t UnitsSse41(const FullyConnectedParams& d, const float* in,
                                        const float* filter, const float* bias, int32_t u,
                                        float* out) {
  const __m128 lo = _mm_set1_ps(d.float_min), hi = _mm_set1_ps(d.float_max);
  for (; u + 4 <= d.units; u += 4) {
    const float* w0 = filter + static_cast<ptrdiff_t>(u) * d.depth;
    const float* w1 = w0 + d.depth;
    const float* w2 = w1 + d.depth;
    const float* w3 = w2 + d.depth;
    __m128 acc = _mm_setzero_ps();
    int32_t i = 0;
    for (; i + 4 <= d.depth; i += 4) {
      __m128 c0 = _mm_loadu_ps(w0 + i), c1 = _mm_loadu_ps(w1 + i);
      __m128 c2 = _mm_loadu_ps(w2 + i), c3 = _mm_loadu_ps(w3 + i);
      _MM_TRANSPOSE4_PS(c0, c1, c2, c3);
      acc = _mm_add_ps(acc, _mm_mul_ps(_mm_set1_ps(in[i]), c0));
      acc = _mm_add_ps(acc, _mm_mul_ps(_mm_set1_ps(in[i + 1]), c1));
      acc = _mm_add_ps(acc, _mm_mul_ps(_mm_set1_ps(in[i + 2]), c2));
      acc = _mm_add_ps(acc, _mm_mul_ps(_mm_set1_ps(in[i + 3]), c3));
    }
    for (; i < d.depth; ++i) {
      acc =
          _mm_add_ps(acc, _mm_mul_ps(_mm_set1_ps(in[i]), _mm_setr_ps(w0[i], w1[i], w2[i], w3[i])));
    }
    const __m128 b = bias != nullptr ? _mm_loadu_ps(bias + u) : _mm_setzero_ps();
    _mm_storeu_ps(out + u, Clamp4(_mm_add_ps(acc, b), lo, hi));
  }
  return u;
}

MICROML_TARGET_AVX2 inline __m256 Clamp8(__m256 x, __m256 lo, __m256 hi) {
  x = _mm256_blendv_ps(x, lo, _mm256_cmp_ps(x, lo, _CMP_LT_OQ));
  return _mm256_blendv_ps(x, hi, _mm256_cmp_ps(hi, x, _CMP_LT_OQ));
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

// Units in groups of eight from unit 0; returns the first unit left.
MICROML_TARGET_AVX2 int32_t UnitsAvx2(const FullyConnectedParams& d, const float* in,
                                      const float* filter, const float* bias, float* out) {
  const __m256 lo = _mm256_set1_ps(d.float_min), hi = _mm256_set1_ps(d.float_max);
  int32_t u = 0;
  for (; u + 8 <= d.units; u += 8) {
    const float* w = filter + static_cast<ptrdiff_t>(u) * d.depth;
    __m256 acc = _mm256_setzero_ps();
    int32_t i = 0;
    for (; i + 8 <= d.depth; i += 8) {
      __m256 c[8];
      for (int j = 0; j < 8; ++j)
        c[j] = _mm256_loadu_ps(w + static_cast<ptrdiff_t>(j) * d.depth + i);
      Transpose8(c);
      for (int k = 0; k < 8; ++k)
        acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_set1_ps(in[i + k]), c[k]));
    }
    for (; i < d.depth; ++i) {
      alignas(32) float column[8];
      for (int j = 0; j < 8; ++j) column[j] = w[static_cast<ptrdiff_t>(j) * d.depth + i];
      acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_set1_ps(in[i]), _mm256_load_ps(column)));
    }
    const __m256 b = bias != nullptr ? _mm256_loadu_ps(bias + u) : _mm256_setzero_ps();
    _mm256_storeu_ps(out + u, Clamp8(_mm256_add_ps(acc, b), lo, hi));
  }
  return u;
}

}  // namespace

void FullyConnectedFloatAt(Level level, const FullyConnectedParams& d, const float* input,
                           const float* filter, const float* bias, float* output) {
  if (level == Level::kPortable) {
    reference::FullyConnectedFloat(d, input, filter, bias, output);
    return;
  }
  for (int32_t b = 0; b < d.batches; ++b) {
    const float* in = input + static_cast<ptrdiff_t>(b) * d.depth;
    float* out = output + static_cast<ptrdiff_t>(b) * d.units;
    int32_t u = level >= Level::kAvx2 ? UnitsAvx2(d, in, filter, bias, out) : 0;
    u = UnitsSse41(d, in, filter, bias, u, out);
    ScalarUnits(d, in, filter, bias, u, out);
  }
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__
