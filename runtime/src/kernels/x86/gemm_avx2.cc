// GEMM dot products on AVX2: 16 depth values a step (then 8), each lhs row
// widened to 16 bits with the input offset added (|x + offset| <= 255), VPMADDWD
// multiplying it by the widened weights and adding adjacent pairs into int32
// lanes (at most 2 * 255 * 128 in magnitude, exact); the lanes are added with
// wrapping VPADDD, so every sum equals the reference's modulo 2^32. Blocks of
// 2 rows x 4 columns keep 8 accumulators and the operands in the 16 registers.
#include "kernels/x86/gemm_s8.h"

#if defined(__x86_64__)

#include <immintrin.h>

#include "kernels/x86/gemm_blocks.h"
#include "kernels/x86/requantize.h"

namespace microml {
namespace x86 {
namespace {

// The four lanes' totals of a, b, c, d (each 8 lanes), in that order.
MICROML_TARGET_AVX2 inline __m128i Total4(__m256i a, __m256i b, __m256i c, __m256i d) {
  const __m256i t = _mm256_hadd_epi32(_mm256_hadd_epi32(a, b), _mm256_hadd_epi32(c, d));
  return _mm_add_epi32(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1));
}

MICROML_TARGET_AVX2 inline int32_t Total(__m256i a) {
  const __m128i t = Total4(a, a, a, a);
  return _mm_cvtsi128_si32(t);
}

MICROML_TARGET_AVX2 inline __m256i Widen(const int8_t* p) {
  return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

MICROML_TARGET_AVX2 inline __m128i Widen8(const int8_t* p) {
  return _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}

// kRows rows x kCols columns (kCols 1 or 4) starting at column c.
template <int kRows, int kCols>
struct BlockAvx2 {
  MICROML_TARGET_AVX2 static void Run(const int8_t* lhs, int32_t lhs_stride, const int8_t* rhs,
                                      int32_t c, int32_t depth, int32_t input_offset,
                                      int32_t* sums) {
    const __m256i offset = _mm256_set1_epi16(static_cast<int16_t>(input_offset));
    const int32_t whole = depth & ~15;
    __m256i acc[kRows][kCols];
    for (int r = 0; r < kRows; ++r) {
      for (int j = 0; j < kCols; ++j) acc[r][j] = _mm256_setzero_si256();
    }
    const int8_t* b = rhs + c * depth;
    for (int32_t k = 0; k < whole; k += 16) {
      __m256i a[kRows];
      for (int r = 0; r < kRows; ++r)
        a[r] = _mm256_add_epi16(Widen(lhs + r * lhs_stride + k), offset);
      for (int j = 0; j < kCols; ++j) {
        const __m256i w = Widen(b + j * depth + k);
        for (int r = 0; r < kRows; ++r) {
          acc[r][j] = _mm256_add_epi32(acc[r][j], _mm256_madd_epi16(a[r], w));
        }
      }
    }
    // A remaining half step of 8 values on 128-bit vectors, into the low lanes.
    int32_t done = whole;
    if (depth - whole >= 8) {
      const __m128i offset8 = _mm_set1_epi16(static_cast<int16_t>(input_offset));
      __m128i a[kRows];
      for (int r = 0; r < kRows; ++r) {
        a[r] = _mm_add_epi16(Widen8(lhs + r * lhs_stride + whole), offset8);
      }
      for (int j = 0; j < kCols; ++j) {
        const __m128i w = Widen8(b + j * depth + whole);
        for (int r = 0; r < kRows; ++r) {
          const __m256i p =
              _mm256_inserti128_si256(_mm256_setzero_si256(), _mm_madd_epi16(a[r], w), 0);
          acc[r][j] = _mm256_add_epi32(acc[r][j], p);
        }
      }
      done = whole + 8;
    }
    for (int r = 0; r < kRows; ++r) {
      int32_t* s = sums + r * arm::kGemmS8ColumnChunk + c;
      if constexpr (kCols == 4) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(s),
                         Total4(acc[r][0], acc[r][1], acc[r][2], acc[r][3]));
      } else {
        s[0] = Total(acc[r][0]);
      }
      for (int j = 0; j < kCols; ++j) {
        s[j] = WrappingAdd(s[j],
                           TailDot(lhs + r * lhs_stride, b + j * depth, done, depth, input_offset));
      }
    }
  }
};

}  // namespace

void DotsAvx2(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs, int32_t n,
              int32_t depth, int32_t input_offset, int32_t* sums) {
  BlockDots<BlockAvx2, 2>(lhs, lhs_stride, rows, rhs, n, depth, input_offset, sums);
}

MICROML_TARGET_AVX2 void FinishRowAvx2(const int32_t* sums, const int32_t* bias, int32_t n,
                                       const arm::GemmS8Output& q, int8_t* out) {
  int32_t c = 0;
  for (; c + 8 <= n; c += 8) {
    __m256i sum = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(sums + c));
    if (bias != nullptr) {
      sum = _mm256_add_epi32(sum, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + c)));
    }
    const __m256i multiplier =
        q.step != 0 ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q.multiplier + c))
                    : _mm256_set1_epi32(q.multiplier[0]);
    const __m256i shift =
        q.step != 0
            ? _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(q.shift + c)))
            : _mm256_set1_epi32(q.shift[0]);
    Finish8(sum, multiplier, shift, q.offset, q.act_min, q.act_max, out + c);
  }
  for (; c < n; ++c) {
    const int32_t sum = WrappingAdd(sums[c], bias != nullptr ? bias[c] : 0);
    out[c] = FinishScalar(sum, q.multiplier[c * q.step], q.shift[c * q.step], q.offset, q.act_min,
                          q.act_max);
  }
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__
