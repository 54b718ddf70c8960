// AVERAGE_POOL_2D and MAX_POOL_2D on x86-64. Each output pixel's window is
// walked once per vector of channels (contiguous in NHWC), output pixels in
// order, so the overlap contract holds. Int8 averages over windows of at most
// 256 pixels sum in 16-bit lanes (|sum| <= 128 * 256) and divide in float:
// |sum +- count / 2| < 2^16, so the float quotient is never rounded across an
// integer and truncating it is C's integer division. Wider sums (int16, larger
// windows) are vector sums with the reference's scalar division. Channels left
// over from the vectors take scalar loops.
#if defined(__x86_64__)

#include "kernels/x86/pooling.h"

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernels/arm/pool_window.h"
#include "kernels/arm/pooling.h"
#include "kernels/x86/target.h"
#include "microml/kernels.h"

namespace microml {
namespace x86 {

namespace {

// Pixels a window may have for 16-bit int8 sums.
constexpr int32_t kMaxNarrowWindow = 256;

using arm::Average;
using arm::ForEachWindow;
using arm::Window;

template <typename T>
void AverageScalar(const Window<T>& w, int32_t c, int32_t count, int32_t lo, int32_t hi, T* y) {
  for (; c < w.depth; ++c) {
    int32_t sum = 0;
    for (int32_t r = 0; r < w.rows; ++r) {
      const T* p = w.Row(r, c);
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) sum += *p;
    }
    y[c] = static_cast<T>(Average(sum, count, lo, hi));
  }
}

template <typename T>
void MaxScalar(const Window<T>& w, int32_t c, int32_t lo, int32_t hi, T* y) {
  for (; c < w.depth; ++c) {
    int32_t m = lo;
    for (int32_t r = 0; r < w.rows; ++r) {
      const T* p = w.Row(r, c);
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) m = m < *p ? *p : m;
    }
    y[c] = static_cast<T>(hi < m ? hi : m);
  }
}

// Four int32 window sums averaged and clamped: sum - count / 2 for sums <= 0
// is sum + ((half ^ neg) - neg) with neg all ones.
MICROML_TARGET_SSE41 inline __m128i Average4(__m128i sum, __m128 count, __m128i half, __m128i lo,
                                             __m128i hi) {
  const __m128i neg = _mm_cmpgt_epi32(_mm_set1_epi32(1), sum);
  const __m128i a = _mm_add_epi32(sum, _mm_sub_epi32(_mm_xor_si128(half, neg), neg));
  const __m128i q = _mm_cvttps_epi32(_mm_div_ps(_mm_cvtepi32_ps(a), count));
  return _mm_min_epi32(_mm_max_epi32(q, lo), hi);
}

// Int8 averages of channels from `c` on with 16-bit sums (windows of at most
// kMaxNarrowWindow pixels); returns the first channel left.
MICROML_TARGET_SSE41 int32_t AverageInt8Sse41(const Window<int8_t>& w, int32_t c, int32_t count,
                                              int32_t lo, int32_t hi, int8_t* y) {
  const __m128 n = _mm_set1_ps(static_cast<float>(count));
  const __m128i half = _mm_set1_epi32(count / 2);
  const __m128i vlo = _mm_set1_epi32(lo), vhi = _mm_set1_epi32(hi);
  for (; c + 16 <= w.depth; c += 16) {
    __m128i s0 = _mm_setzero_si128(), s1 = s0;
    for (int32_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.Row(r, c);
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        s0 = _mm_add_epi16(s0, _mm_cvtepi8_epi16(v));
        s1 = _mm_add_epi16(s1, _mm_cvtepi8_epi16(_mm_srli_si128(v, 8)));
      }
    }
    const __m128i q0 = Average4(_mm_cvtepi16_epi32(s0), n, half, vlo, vhi);
    const __m128i q1 = Average4(_mm_cvtepi16_epi32(_mm_srli_si128(s0, 8)), n, half, vlo, vhi);
    const __m128i q2 = Average4(_mm_cvtepi16_epi32(s1), n, half, vlo, vhi);
    const __m128i q3 = Average4(_mm_cvtepi16_epi32(_mm_srli_si128(s1, 8)), n, half, vlo, vhi);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + c),
                     _mm_packs_epi16(_mm_packs_epi32(q0, q1), _mm_packs_epi32(q2, q3)));
  }
  for (; c + 8 <= w.depth; c += 8) {
    __m128i s = _mm_setzero_si128();
    for (int32_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.Row(r, c);
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        s = _mm_add_epi16(s,
                          _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
      }
    }
    const __m128i q0 = Average4(_mm_cvtepi16_epi32(s), n, half, vlo, vhi);
    const __m128i q1 = Average4(_mm_cvtepi16_epi32(_mm_srli_si128(s, 8)), n, half, vlo, vhi);
    const __m128i words = _mm_packs_epi32(q0, q1);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(y + c), _mm_packs_epi16(words, words));
  }
  return c;
}

MICROML_TARGET_AVX2 inline __m256i Average8(__m256i sum, __m256 count, __m256i half, __m256i lo,
                                            __m256i hi) {
  const __m256i neg = _mm256_cmpgt_epi32(_mm256_set1_epi32(1), sum);
  const __m256i a = _mm256_add_epi32(sum, _mm256_sub_epi32(_mm256_xor_si256(half, neg), neg));
  const __m256i q = _mm256_cvttps_epi32(_mm256_div_ps(_mm256_cvtepi32_ps(a), count));
  return _mm256_min_epi32(_mm256_max_epi32(q, lo), hi);
}

// AverageInt8Sse41 on 16 channels at a time, from channel 0.
MICROML_TARGET_AVX2 int32_t AverageInt8Avx2(const Window<int8_t>& w, int32_t count, int32_t lo,
                                            int32_t hi, int8_t* y) {
  const __m256 n = _mm256_set1_ps(static_cast<float>(count));
  const __m256i half = _mm256_set1_epi32(count / 2);
  const __m256i vlo = _mm256_set1_epi32(lo), vhi = _mm256_set1_epi32(hi);
  int32_t c = 0;
  for (; c + 16 <= w.depth; c += 16) {
    __m256i s = _mm256_setzero_si256();
    for (int32_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.Row(r, c);
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        s = _mm256_add_epi16(
            s, _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
      }
    }
    const __m256i q0 =
        Average8(_mm256_cvtepi16_epi32(_mm256_castsi256_si128(s)), n, half, vlo, vhi);
    const __m256i q1 =
        Average8(_mm256_cvtepi16_epi32(_mm256_extracti128_si256(s, 1)), n, half, vlo, vhi);
    const __m128i w0 = _mm_packs_epi32(_mm256_castsi256_si128(q0), _mm256_extracti128_si256(q0, 1));
    const __m128i w1 = _mm_packs_epi32(_mm256_castsi256_si128(q1), _mm256_extracti128_si256(q1, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + c), _mm_packs_epi16(w0, w1));
  }
  return c;
}

// Window sums of four channels at a time in 32-bit lanes (int16, or int8
// windows over kMaxNarrowWindow pixels), divided as the reference does;
// returns the first channel left.
MICROML_TARGET_SSE41 inline __m128i Load4(const int8_t* p) {
  int32_t four;
  memcpy(&four, p, 4);
  return _mm_cvtepi8_epi32(_mm_cvtsi32_si128(four));
}

MICROML_TARGET_SSE41 inline __m128i Load4(const int16_t* p) {
  return _mm_cvtepi16_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}

template <typename T>
MICROML_TARGET_SSE41 int32_t AverageWideSse41(const Window<T>& w, int32_t count, int32_t lo,
                                              int32_t hi, T* y) {
  int32_t c = 0;
  for (; c + 4 <= w.depth; c += 4) {
    __m128i s = _mm_setzero_si128();
    for (int32_t r = 0; r < w.rows; ++r) {
      const T* p = w.Row(r, c);
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) s = _mm_add_epi32(s, Load4(p));
    }
    alignas(16) int32_t sums[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(sums), s);
    for (int32_t k = 0; k < 4; ++k) y[c + k] = static_cast<T>(Average(sums[k], count, lo, hi));
  }
  return c;
}

// Int8 maxima of channels from `c` on, starting from `lo` and capped at `hi`;
// returns the first channel left.
MICROML_TARGET_SSE41 int32_t MaxInt8Sse41(const Window<int8_t>& w, int32_t c, int32_t lo,
                                          int32_t hi, int8_t* y) {
  const __m128i vlo = _mm_set1_epi8(static_cast<char>(lo));
  const __m128i vhi = _mm_set1_epi8(static_cast<char>(hi));
  for (; c + 16 <= w.depth; c += 16) {
    __m128i m = vlo;
    for (int32_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.Row(r, c);
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        m = _mm_max_epi8(m, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
      }
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + c), _mm_min_epi8(m, vhi));
  }
  for (; c + 8 <= w.depth; c += 8) {
    __m128i m = vlo;
    for (int32_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.Row(r, c);
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        m = _mm_max_epi8(m, _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
      }
    }
    _mm_storel_epi64(reinterpret_cast<__m128i*>(y + c), _mm_min_epi8(m, vhi));
  }
  return c;
}

MICROML_TARGET_AVX2 int32_t MaxInt8Avx2(const Window<int8_t>& w, int32_t lo, int32_t hi,
                                        int8_t* y) {
  const __m256i vlo = _mm256_set1_epi8(static_cast<char>(lo));
  const __m256i vhi = _mm256_set1_epi8(static_cast<char>(hi));
  int32_t c = 0;
  for (; c + 32 <= w.depth; c += 32) {
    __m256i m = vlo;
    for (int32_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.Row(r, c);
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        m = _mm256_max_epi8(m, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
      }
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + c), _mm256_min_epi8(m, vhi));
  }
  return c;
}

MICROML_TARGET_SSE41 int32_t MaxInt16Sse41(const Window<int16_t>& w, int32_t c, int32_t lo,
                                           int32_t hi, int16_t* y) {
  const __m128i vlo = _mm_set1_epi16(static_cast<int16_t>(lo));
  const __m128i vhi = _mm_set1_epi16(static_cast<int16_t>(hi));
  for (; c + 8 <= w.depth; c += 8) {
    __m128i m = vlo;
    for (int32_t r = 0; r < w.rows; ++r) {
      const int16_t* p = w.Row(r, c);
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        m = _mm_max_epi16(m, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
      }
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + c), _mm_min_epi16(m, vhi));
  }
  for (; c + 4 <= w.depth; c += 4) {
    __m128i m = vlo;
    for (int32_t r = 0; r < w.rows; ++r) {
      const int16_t* p = w.Row(r, c);
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        m = _mm_max_epi16(m, _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
      }
    }
    _mm_storel_epi64(reinterpret_cast<__m128i*>(y + c), _mm_min_epi16(m, vhi));
  }
  return c;
}

MICROML_TARGET_AVX2 int32_t MaxInt16Avx2(const Window<int16_t>& w, int32_t lo, int32_t hi,
                                         int16_t* y) {
  const __m256i vlo = _mm256_set1_epi16(static_cast<int16_t>(lo));
  const __m256i vhi = _mm256_set1_epi16(static_cast<int16_t>(hi));
  int32_t c = 0;
  for (; c + 16 <= w.depth; c += 16) {
    __m256i m = vlo;
    for (int32_t r = 0; r < w.rows; ++r) {
      const int16_t* p = w.Row(r, c);
      for (int32_t i = 0; i < w.cols; ++i, p += w.depth) {
        m = _mm256_max_epi16(m, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
      }
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + c), _mm256_min_epi16(m, vhi));
  }
  return c;
}

void AveragePool2DInt8Active(const PoolData& d, const Tensor& in, const Tensor& out) {
  AveragePool2DInt8At(ActiveLevel(), d, in, out);
}

void AveragePool2DInt16Active(const PoolData& d, const Tensor& in, const Tensor& out) {
  AveragePool2DInt16At(ActiveLevel(), d, in, out);
}

void MaxPool2DInt8Active(const PoolData& d, const Tensor& in, const Tensor& out) {
  MaxPool2DInt8At(ActiveLevel(), d, in, out);
}

void MaxPool2DInt16Active(const PoolData& d, const Tensor& in, const Tensor& out) {
  MaxPool2DInt16At(ActiveLevel(), d, in, out);
}

}  // namespace

void AveragePool2DInt8At(Level level, const PoolData& d, const Tensor& in, const Tensor& out) {
  if (level == Level::kPortable) {
    arm::AveragePool2DInt8(d, in, out);
    return;
  }
  const bool avx2 = level >= Level::kAvx2;
  ForEachWindow<int8_t>(d, in, out, [&d, avx2](const Window<int8_t>& w, int8_t* y) {
    const int32_t count = w.rows * w.cols;
    int32_t c = 0;
    if (count <= kMaxNarrowWindow) {
      c = avx2 ? AverageInt8Avx2(w, count, d.act_min, d.act_max, y) : 0;
      c = AverageInt8Sse41(w, c, count, d.act_min, d.act_max, y);
    } else {
      c = AverageWideSse41(w, count, d.act_min, d.act_max, y);
    }
    AverageScalar(w, c, count, d.act_min, d.act_max, y);
  });
}

void AveragePool2DInt16At(Level level, const PoolData& d, const Tensor& in, const Tensor& out) {
  if (level == Level::kPortable) {
    arm::AveragePool2DInt16(d, in, out);
    return;
  }
  ForEachWindow<int16_t>(d, in, out, [&d](const Window<int16_t>& w, int16_t* y) {
    const int32_t count = w.rows * w.cols;
    const int32_t c = AverageWideSse41(w, count, d.act_min, d.act_max, y);
    AverageScalar(w, c, count, d.act_min, d.act_max, y);
  });
}

void MaxPool2DInt8At(Level level, const PoolData& d, const Tensor& in, const Tensor& out) {
  if (level == Level::kPortable) {
    arm::MaxPool2DInt8(d, in, out);
    return;
  }
  const bool avx2 = level >= Level::kAvx2;
  ForEachWindow<int8_t>(d, in, out, [&d, avx2](const Window<int8_t>& w, int8_t* y) {
    int32_t c = avx2 ? MaxInt8Avx2(w, d.act_min, d.act_max, y) : 0;
    c = MaxInt8Sse41(w, c, d.act_min, d.act_max, y);
    MaxScalar(w, c, d.act_min, d.act_max, y);
  });
}

void MaxPool2DInt16At(Level level, const PoolData& d, const Tensor& in, const Tensor& out) {
  if (level == Level::kPortable) {
    arm::MaxPool2DInt16(d, in, out);
    return;
  }
  const bool avx2 = level >= Level::kAvx2;
  ForEachWindow<int16_t>(d, in, out, [&d, avx2](const Window<int16_t>& w, int16_t* y) {
    int32_t c = avx2 ? MaxInt16Avx2(w, d.act_min, d.act_max, y) : 0;
    c = MaxInt16Sse41(w, c, d.act_min, d.act_max, y);
    MaxScalar(w, c, d.act_min, d.act_max, y);
  });
}

}  // namespace x86

const KernelRegistration kRegisterAveragePool2DX86 = {
    static_cast<int32_t>(BuiltinOp::kAVERAGE_POOL_2D),
    nullptr,
    3,
    PoolPrepare,
    EvalPool<reference::AveragePool2DFloat, x86::AveragePool2DInt8Active,
             x86::AveragePool2DInt16Active>,
    nullptr,
    "float32 int8 int16",
    0,
    PoolOverlap,
    PoolRowWindow};

const KernelRegistration kRegisterMaxPool2DX86 = {
    static_cast<int32_t>(BuiltinOp::kMAX_POOL_2D),
    nullptr,
    3,
    PoolPrepare,
    EvalPool<reference::MaxPool2DFloat, x86::MaxPool2DInt8Active, x86::MaxPool2DInt16Active>,
    nullptr,
    "float32 int8 int16",
    0,
    PoolOverlap,
    PoolRowWindow};

}  // namespace microml

#endif  // __x86_64__
