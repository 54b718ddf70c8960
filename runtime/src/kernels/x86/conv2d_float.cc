// Float CONV_2D on x86-64: for each output pixel (in order, reading only its
// window, so the overlap contract holds) and group of output channels, the
// window's taps inside the input in the reference's order, each tap's input
// channels dotted with every channel's filter row by x86/float_rows.h.
#if defined(__x86_64__)

#include "kernels/x86/conv2d_float.h"

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/activation.h"
#include "kernels/x86/float_rows.h"
#include "kernels/x86/window_taps.h"

namespace microml {
namespace x86 {

namespace {

// Where tap (fy, fx)'s input channels start.
inline const float* TapInput(const Conv2DParams& d, const Conv2DShape& s, const float* input,
                             const WindowTaps& t, int32_t fy, int32_t fx) {
  return input + (t.base + (static_cast<ptrdiff_t>(d.dilation_h) * fy * s.in_w +
                            static_cast<ptrdiff_t>(d.dilation_w) * fx) *
                               s.in_c);
}

// Channels [c, out_c) of one pixel, as the reference computes them.
void ScalarChannels(const Conv2DParams& d, const Conv2DShape& s, const float* input,
                    const WindowTaps& t, const float* filter, const float* bias, int32_t c,
                    float* out) {
  for (; c < s.out_c; ++c) {
    float acc = 0.0f;
    for (int32_t fy = t.fy0; fy < t.fy1; ++fy) {
      for (int32_t fx = t.fx0; fx < t.fx1; ++fx) {
        const float* in = TapInput(d, s, input, t, fy, fx);
        const float* w = filter + ((static_cast<ptrdiff_t>(c) * s.f_h + fy) * s.f_w + fx) * s.f_c;
        for (int32_t ic = 0; ic < s.f_c; ++ic) acc = acc + in[ic] * w[ic];
      }
    }
    out[c] = ClampFloat(acc + (bias != nullptr ? bias[c] : 0.0f), d.float_min, d.float_max);
  }
}

MICROML_TARGET_SSE41 int32_t ChannelsSse41(const Conv2DParams& d, const Conv2DShape& s,
                                           const float* input, const WindowTaps& t,
                                           const float* filter, const float* bias, int32_t c,
                                           float* out) {
  const ptrdiff_t row = static_cast<ptrdiff_t>(s.f_h) * s.f_w * s.f_c;
  const __m128 lo = _mm_set1_ps(d.float_min), hi = _mm_set1_ps(d.float_max);
  for (; c + 4 <= s.out_c; c += 4) {
    __m128 acc = _mm_setzero_ps();
    for (int32_t fy = t.fy0; fy < t.fy1; ++fy) {
      for (int32_t fx = t.fx0; fx < t.fx1; ++fx) {
        const float* w = filter + c * row + (static_cast<ptrdiff_t>(fy) * s.f_w + fx) * s.f_c;
        acc = AddRows4(acc, TapInput(d, s, input, t, fy, fx), w, row, s.f_c);
      }
    }
    const __m128 b = bias != nullptr ? _mm_loadu_ps(bias + c) : _mm_setzero_ps();
    _mm_storeu_ps(out + c, ClampFloat4(_mm_add_ps(acc, b), lo, hi));
  }
  return c;
}

MICROML_TARGET_AVX2 int32_t ChannelsAvx2(const Conv2DParams& d, const Conv2DShape& s,
                                         const float* input, const WindowTaps& t,
                                         const float* filter, const float* bias, float* out) {
  const ptrdiff_t row = static_cast<ptrdiff_t>(s.f_h) * s.f_w * s.f_c;
  const __m256 lo = _mm256_set1_ps(d.float_min), hi = _mm256_set1_ps(d.float_max);
  int32_t c = 0;
  for (; c + 8 <= s.out_c; c += 8) {
    __m256 acc = _mm256_setzero_ps();
    for (int32_t fy = t.fy0; fy < t.fy1; ++fy) {
      for (int32_t fx = t.fx0; fx < t.fx1; ++fx) {
        const float* w = filter + c * row + (static_cast<ptrdiff_t>(fy) * s.f_w + fx) * s.f_c;
        acc = AddRows8(acc, TapInput(d, s, input, t, fy, fx), w, row, s.f_c);
      }
    }
    const __m256 b = bias != nullptr ? _mm256_loadu_ps(bias + c) : _mm256_setzero_ps();
    _mm256_storeu_ps(out + c, ClampFloat8(_mm256_add_ps(acc, b), lo, hi));
  }
  return c;
}

}  // namespace

void Conv2DFloatAt(Level level, const Conv2DParams& d, const Conv2DShape& s, const float* input,
                   const float* filter, const float* bias, float* output) {
  if (level == Level::kPortable || s.f_c != s.in_c) {
    reference::Conv2DFloat(d, s, input, filter, bias, output);
    return;
  }
  float* out = output;
  for (int32_t b = 0; b < s.batches; ++b) {
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      for (int32_t ox = 0; ox < s.out_w; ++ox, out += s.out_c) {
        const WindowTaps t = TapsAt(d, s, b, oy, ox);
        int32_t c = level >= Level::kAvx2 ? ChannelsAvx2(d, s, input, t, filter, bias, out) : 0;
        c = ChannelsSse41(d, s, input, t, filter, bias, c, out);
        ScalarChannels(d, s, input, t, filter, bias, c, out);
      }
    }
  }
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__
