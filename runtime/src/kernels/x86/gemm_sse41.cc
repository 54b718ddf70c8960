// GEMM dot products on SSE4.1: 8 depth values a step, each lhs row widened to
// 16 bits with the input offset added (|x + offset| <= 255), PMADDWD
// multiplying it by the widened weights and adding adjacent pairs into int32
// lanes (at most 2 * 255 * 128 in magnitude, exact); the lanes are added with
// wrapping PADDD, so every sum equals the reference's modulo 2^32. Blocks of
// 2 rows x 4 columns keep 8 accumulators and the operands in the 16 registers. The
// requantization is scalar at this level (AVX2 brings the per-lane shifts).
#include "kernels/x86/gemm_s8.h"

#if defined(__x86_64__)

#include <immintrin.h>

#include "kernels/quantization.h"
#include "kernels/x86/gemm_blocks.h"
#include "kernels/x86/target.h"

namespace microml {
namespace x86 {
namespace {

// The four lanes' totals of a, b, c, d (each 4 lanes), in that order.
MICROML_TARGET_SSE41 inline __m128i Total4(__m128i a, __m128i b, __m128i c, __m128i d) {
  return _mm_hadd_epi32(_mm_hadd_epi32(a, b), _mm_hadd_epi32(c, d));
}

MICROML_TARGET_SSE41 inline int32_t Total(__m128i a) {
  return _mm_cvtsi128_si32(Total4(a, a, a, a));
}

MICROML_TARGET_SSE41 inline __m128i Widen(const int8_t* p) {
  return _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}

// kRows rows x kCols columns (kCols 1 or 4) starting at column c.
template <int kRows, int kCols>
struct BlockSse41 {
  MICROML_TARGET_SSE41 static void Run(const int8_t* lhs, int32_t lhs_stride, const int8_t* rhs,
                                       int32_t c, int32_t depth, int32_t input_offset,
                                       int32_t* sums) {
    const __m128i offset = _mm_set1_epi16(static_cast<int16_t>(input_offset));
    const int32_t whole = depth & ~7;
    __m128i acc[kRows][kCols];
    for (int r = 0; r < kRows; ++r) {
      for (int j = 0; j < kCols; ++j) acc[r][j] = _mm_setzero_si128();
    }
    const int8_t* b = rhs + c * depth;
    for (int32_t k = 0; k < whole; k += 8) {
      __m128i a[kRows];
      for (int r = 0; r < kRows; ++r) a[r] = _mm_add_epi16(Widen(lhs + r * lhs_stride + k), offset);
      for (int j = 0; j < kCols; ++j) {
        const __m128i w = Widen(b + j * depth + k);
        for (int r = 0; r < kRows; ++r) {
          acc[r][j] = _mm_add_epi32(acc[r][j], _mm_madd_epi16(a[r], w));
        }
      }
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
        s[j] = WrappingAdd(
            s[j], TailDot(lhs + r * lhs_stride, b + j * depth, whole, depth, input_offset));
      }
    }
  }
};

}  // namespace

void DotsSse41(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs, int32_t n,
               int32_t depth, int32_t input_offset, int32_t* sums) {
  BlockDots<BlockSse41, 2>(lhs, lhs_stride, rows, rhs, n, depth, input_offset, sums);
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__
