// Float FULLY_CONNECTED on x86-64: lanes are units, each a weight row dotted
// with the batch row by x86/float_rows.h in the reference's order. No fused
// multiply-add: the reference rounds each product before adding it (see
// x86/depthwise_float.cc).
#if defined(__x86_64__)

#include "kernels/x86/fully_connected_float.h"

#include <immintrin.h>
#include <stdint.h>

#include "kernels/activation.h"
#include "kernels/x86/float_rows.h"

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

// Units from u on in groups of four; returns the first unit left.
MICROML_TARGET_SSE41 int32_t UnitsSse41(const FullyConnectedParams& d, const float* in,
                                        const float* filter, const float* bias, int32_t u,
                                        float* out) {
  const __m128 lo = _mm_set1_ps(d.float_min), hi = _mm_set1_ps(d.float_max);
  for (; u + 4 <= d.units; u += 4) {
    const __m128 acc = AddRows4(_mm_setzero_ps(), in, filter + static_cast<ptrdiff_t>(u) * d.depth,
                                d.depth, d.depth);
    const __m128 b = bias != nullptr ? _mm_loadu_ps(bias + u) : _mm_setzero_ps();
    _mm_storeu_ps(out + u, ClampFloat4(_mm_add_ps(acc, b), lo, hi));
  }
  return u;
}

// Units in groups of eight from unit 0; returns the first unit left.
MICROML_TARGET_AVX2 int32_t UnitsAvx2(const FullyConnectedParams& d, const float* in,
                                      const float* filter, const float* bias, float* out) {
  const __m256 lo = _mm256_set1_ps(d.float_min), hi = _mm256_set1_ps(d.float_max);
  int32_t u = 0;
  for (; u + 8 <= d.units; u += 8) {
    const __m256 acc = AddRows8(_mm256_setzero_ps(), in,
                                filter + static_cast<ptrdiff_t>(u) * d.depth, d.depth, d.depth);
    const __m256 b = bias != nullptr ? _mm256_loadu_ps(bias + u) : _mm256_setzero_ps();
    _mm256_storeu_ps(out + u, ClampFloat8(_mm256_add_ps(acc, b), lo, hi));
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
