// Float DEPTHWISE_CONV_2D on x86-64. No fused multiply-add: TFLM's float
// reference rounds each product before adding it, and so does every lane
// here, in the same tap order, so the results are the reference's exactly
// (a fused version would differ by up to the sum's own rounding error, about
// the float tests' 1e-5 tolerance on long, cancelling sums). Output pixels
// are written in order, each from its own window: the overlap contract holds.
#if defined(__x86_64__)

#include "kernels/x86/depthwise_float.h"

#include <immintrin.h>
#include <stdint.h>

#include "kernels/activation.h"
#include "kernels/x86/float_rows.h"
#include "kernels/x86/window_taps.h"

namespace microml {
namespace x86 {

namespace {

// One output pixel: its window's taps (rows and columns inside the input).
struct Pixel : WindowTaps {
  const float* input;
};

Pixel PixelAt(const DepthwiseParams& d, const DepthwiseShape& s, const float* input, int32_t b,
              int32_t oy, int32_t ox) {
  Pixel p;
  static_cast<WindowTaps&>(p) = TapsAt(d, s, b, oy, ox);
  p.input = input;
  return p;
}

// Channels [c, out_c) of one pixel, as the reference computes them.
void ScalarChannels(const DepthwiseParams& d, const DepthwiseShape& s, const Pixel& p,
                    const float* filter, const float* bias, int32_t c, float* out) {
  for (; c < s.out_c; ++c) {
    float acc = 0.0f;
    for (int32_t fy = p.fy0; fy < p.fy1; ++fy) {
      for (int32_t fx = p.fx0; fx < p.fx1; ++fx) {
        const ptrdiff_t tap =
            (static_cast<ptrdiff_t>(d.dilation_h) * fy * s.in_w + d.dilation_w * fx) * s.in_c;
        acc = acc + p.input[p.base + tap + c] * filter[(fy * s.f_w + fx) * s.out_c + c];
      }
    }
    out[c] = ClampFloat(acc + (bias != nullptr ? bias[c] : 0.0f), d.float_min, d.float_max);
  }
}

MICROML_TARGET_SSE41 int32_t VectorChannelsSse41(const DepthwiseParams& d, const DepthwiseShape& s,
                                                 const Pixel& p, const float* filter,
                                                 const float* bias, int32_t c, float* out) {
  const __m128 lo = _mm_set1_ps(d.float_min), hi = _mm_set1_ps(d.float_max);
  for (; c + 4 <= s.out_c; c += 4) {
    __m128 acc = _mm_setzero_ps();
    for (int32_t fy = p.fy0; fy < p.fy1; ++fy) {
      for (int32_t fx = p.fx0; fx < p.fx1; ++fx) {
        const ptrdiff_t tap =
            (static_cast<ptrdiff_t>(d.dilation_h) * fy * s.in_w + d.dilation_w * fx) * s.in_c;
        acc = _mm_add_ps(acc, _mm_mul_ps(_mm_loadu_ps(p.input + (p.base + tap + c)),
                                         _mm_loadu_ps(filter + (fy * s.f_w + fx) * s.out_c + c)));
      }
    }
    const __m128 b = bias != nullptr ? _mm_loadu_ps(bias + c) : _mm_setzero_ps();
    _mm_storeu_ps(out + c, ClampFloat4(_mm_add_ps(acc, b), lo, hi));
  }
  return c;
}

MICROML_TARGET_AVX2 int32_t VectorChannelsAvx2(const DepthwiseParams& d, const DepthwiseShape& s,
                                               const Pixel& p, const float* filter,
                                               const float* bias, float* out) {
  const __m256 lo = _mm256_set1_ps(d.float_min), hi = _mm256_set1_ps(d.float_max);
  int32_t c = 0;
  for (; c + 8 <= s.out_c; c += 8) {
    __m256 acc = _mm256_setzero_ps();
    for (int32_t fy = p.fy0; fy < p.fy1; ++fy) {
      for (int32_t fx = p.fx0; fx < p.fx1; ++fx) {
        const ptrdiff_t tap =
            (static_cast<ptrdiff_t>(d.dilation_h) * fy * s.in_w + d.dilation_w * fx) * s.in_c;
        acc = _mm256_add_ps(
            acc, _mm256_mul_ps(_mm256_loadu_ps(p.input + (p.base + tap + c)),
                               _mm256_loadu_ps(filter + (fy * s.f_w + fx) * s.out_c + c)));
      }
    }
    const __m256 b = bias != nullptr ? _mm256_loadu_ps(bias + c) : _mm256_setzero_ps();
    _mm256_storeu_ps(out + c, ClampFloat8(_mm256_add_ps(acc, b), lo, hi));
  }
  return c;
}

}  // namespace

void DepthwiseConv2DFloatAt(Level level, const DepthwiseParams& d, const DepthwiseShape& s,
                            const float* input, const float* filter, const float* bias,
                            float* output) {
  if (level == Level::kPortable || d.multiplier != 1) {
    reference::DepthwiseConv2DFloat(d, s, input, filter, bias, output);
    return;
  }
  float* out = output;
  for (int32_t b = 0; b < s.batches; ++b) {
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      for (int32_t ox = 0; ox < s.out_w; ++ox, out += s.out_c) {
        const Pixel p = PixelAt(d, s, input, b, oy, ox);
        int32_t c = level >= Level::kAvx2 ? VectorChannelsAvx2(d, s, p, filter, bias, out) : 0;
        c = VectorChannelsSse41(d, s, p, filter, bias, c, out);
        ScalarChannels(d, s, p, filter, bias, c, out);
      }
    }
  }
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__
