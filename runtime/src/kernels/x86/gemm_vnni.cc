// GEMM dot products on AVX-512 VNNI: VPDPBUSD multiplies 64 unsigned bytes by
// 64 signed bytes and adds each group of four products into an int32 lane,
// wrapping (the non-saturating form). The signed lhs is made unsigned by
// adding 128 (flipping the top bit); FoldVnni takes 128 times each weight row's
// sum back off through the column bias, which modulo 2^32 gives exactly the
// reference's sums. The last partial step loads with a byte mask: masked lhs
// bytes become 128 but meet zeroed weights. Blocks of 4 rows x 4 columns keep
// 16 accumulators in the 32 registers. With weights packed (PackVnni: per
// group of 4 depth values, 16 columns' 4 bytes side by side, zero-padded), a
// row's 4 bytes broadcast meet 16 columns in one instruction and no lane sums
// need adding up: the layout for short rows, which fill few lanes otherwise.
#include "kernels/x86/gemm_s8.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include <string.h>

#include "kernels/quantization.h"
#include "kernels/x86/gemm_blocks.h"
#include "kernels/x86/target.h"

namespace microml {
namespace x86 {
namespace {

// The unmasked shuffles of gcc 12's avx512fintrin.h start from a
// self-initialized value that -Wuninitialized reports once inlined; their
// zero-masked forms with every lane selected are the same instructions.
constexpr __mmask16 kAll16 = 0xFFFF;
constexpr __mmask8 kAll8 = 0xFF;

// The four 16-lane totals of a, b, c, d, in that order (wrapping adds).
MICROML_TARGET_VNNI inline __m128i Total4(__m512i a, __m512i b, __m512i c, __m512i d) {
  const __m512i ab = _mm512_add_epi32(_mm512_maskz_unpacklo_epi32(kAll16, a, b),
                                      _mm512_maskz_unpackhi_epi32(kAll16, a, b));
  const __m512i cd = _mm512_add_epi32(_mm512_maskz_unpacklo_epi32(kAll16, c, d),
                                      _mm512_maskz_unpackhi_epi32(kAll16, c, d));
  const __m512i t = _mm512_add_epi32(_mm512_maskz_unpacklo_epi64(kAll8, ab, cd),
                                     _mm512_maskz_unpackhi_epi64(kAll8, ab, cd));
  const __m256i y = _mm256_add_epi32(_mm512_maskz_extracti64x4_epi64(kAll8, t, 0),
                                     _mm512_maskz_extracti64x4_epi64(kAll8, t, 1));
  return _mm_add_epi32(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
}

// The total of a's 16 lanes (wrapping).
MICROML_TARGET_VNNI inline int32_t Total(__m512i a) {
  return _mm_cvtsi128_si32(Total4(a, a, a, a));
}

MICROML_TARGET_VNNI inline __mmask64 MaskOf(int32_t remaining) {
  return remaining >= 64 ? ~__mmask64{0} : (__mmask64{1} << remaining) - 1;
}

// kRows rows x kCols columns (kCols 1 or 4) starting at column c (the input
// offset is FoldVnni's).
template <int kRows, int kCols>
struct BlockVnni {
  MICROML_TARGET_VNNI static void Run(const int8_t* lhs, int32_t lhs_stride, const int8_t* rhs,
                                      int32_t c, int32_t depth, int32_t, int32_t* sums) {
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    __m512i acc[kRows][kCols];
    for (int r = 0; r < kRows; ++r) {
      for (int j = 0; j < kCols; ++j) acc[r][j] = _mm512_setzero_si512();
    }
    const int8_t* b = rhs + c * depth;
    for (int32_t k = 0; k < depth; k += 64) {
      const __mmask64 mask = MaskOf(depth - k);
      __m512i a[kRows];
      for (int r = 0; r < kRows; ++r) {
        a[r] = _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, lhs + r * lhs_stride + k), flip);
      }
      for (int j = 0; j < kCols; ++j) {
        const __m512i w = _mm512_maskz_loadu_epi8(mask, b + j * depth + k);
        for (int r = 0; r < kRows; ++r) acc[r][j] = _mm512_dpbusd_epi32(acc[r][j], a[r], w);
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
    }
  }
};

// BlockVnni with FoldVnni's weight sums taken in the same pass (VPDPBUSD of
// the loaded weights against bytes of 1) and added to the sums times
// input_offset - 128 before the lanes are totalled: for a few rows this costs
// less than a separate pass over the weights.
template <int kRows, int kCols>
struct BlockVnniFused {
  MICROML_TARGET_VNNI static void Run(const int8_t* lhs, int32_t lhs_stride, const int8_t* rhs,
                                      int32_t c, int32_t depth, int32_t input_offset,
                                      int32_t* sums) {
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    const __m512i ones = _mm512_set1_epi8(1);
    __m512i acc[kRows][kCols];
    __m512i weight_sum[kCols];
    for (int j = 0; j < kCols; ++j) {
      weight_sum[j] = _mm512_setzero_si512();
      for (int r = 0; r < kRows; ++r) acc[r][j] = _mm512_setzero_si512();
    }
    const int8_t* b = rhs + c * depth;
    for (int32_t k = 0; k < depth; k += 64) {
      const __mmask64 mask = MaskOf(depth - k);
      __m512i a[kRows];
      for (int r = 0; r < kRows; ++r) {
        a[r] = _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, lhs + r * lhs_stride + k), flip);
      }
      for (int j = 0; j < kCols; ++j) {
        const __m512i w = _mm512_maskz_loadu_epi8(mask, b + j * depth + k);
        weight_sum[j] = _mm512_dpbusd_epi32(weight_sum[j], ones, w);
        for (int r = 0; r < kRows; ++r) acc[r][j] = _mm512_dpbusd_epi32(acc[r][j], a[r], w);
      }
    }
    const __m512i scale =
        _mm512_set1_epi32(static_cast<int32_t>(static_cast<uint32_t>(input_offset) - 128u));
    for (int j = 0; j < kCols; ++j) {
      weight_sum[j] = _mm512_maskz_mullo_epi32(kAll16, weight_sum[j], scale);
    }
    for (int r = 0; r < kRows; ++r) {
      int32_t* s = sums + r * arm::kGemmS8ColumnChunk + c;
      if constexpr (kCols == 4) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(s),
                         Total4(_mm512_add_epi32(acc[r][0], weight_sum[0]),
                                _mm512_add_epi32(acc[r][1], weight_sum[1]),
                                _mm512_add_epi32(acc[r][2], weight_sum[2]),
                                _mm512_add_epi32(acc[r][3], weight_sum[3])));
      } else {
        s[0] = Total(_mm512_add_epi32(acc[r][0], weight_sum[0]));
      }
    }
  }
};

// One group of four depth values of kRows rows against kVecs packed vectors.
template <int kRows, int kVecs>
MICROML_TARGET_VNNI inline void PackedStep(const __m512i* a, const int8_t* w,
                                           __m512i (&acc)[kRows][kVecs]) {
  for (int v = 0; v < kVecs; ++v) {
    const __m512i wv = _mm512_loadu_si512(w + v * 64);
    for (int r = 0; r < kRows; ++r) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], a[r], wv);
  }
}

// Packed-weight dot products of kRows rows x kVecs vectors of 16 columns:
// each group of four lhs bytes, broadcast, meets 16 columns' four weights.
// The bytes are flipped after the broadcast (a broadcast load and a vector
// XOR take fewer micro-ops than flipping in a general register first).
template <int kRows, int kVecs>
MICROML_TARGET_VNNI void PackedBlock(const int8_t* lhs, int32_t lhs_stride, const int8_t* packed,
                                     int32_t vec_stride, int32_t depth, int32_t* sums) {
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  __m512i acc[kRows][kVecs];
  for (int r = 0; r < kRows; ++r) {
    for (int v = 0; v < kVecs; ++v) acc[r][v] = _mm512_setzero_si512();
  }
  const size_t group_bytes = static_cast<size_t>(vec_stride) * 64;
  const int32_t whole = depth / 4;
  __m512i a[kRows];
  for (int32_t g = 0; g < whole; ++g) {
    for (int r = 0; r < kRows; ++r) {
      int32_t word;
      memcpy(&word, lhs + r * lhs_stride + 4 * g, 4);
      a[r] = _mm512_xor_si512(_mm512_set1_epi32(word), flip);
    }
    PackedStep<kRows, kVecs>(a, packed + g * group_bytes, acc);
  }
  if (depth % 4 != 0) {
    // The last group's bytes past the row (zero weights) are left zero
    // rather than read.
    for (int r = 0; r < kRows; ++r) {
      int32_t word = 0;
      memcpy(&word, lhs + r * lhs_stride + 4 * whole, static_cast<size_t>(depth % 4));
      a[r] = _mm512_xor_si512(_mm512_set1_epi32(word), flip);
    }
    PackedStep<kRows, kVecs>(a, packed + whole * group_bytes, acc);
  }
  for (int r = 0; r < kRows; ++r) {
    for (int v = 0; v < kVecs; ++v) {
      _mm512_storeu_si512(sums + r * arm::kGemmS8ColumnChunk + 16 * v, acc[r][v]);
    }
  }
}

template <int kRows>
void PackedRows(const int8_t* lhs, int32_t lhs_stride, const int8_t* packed, int32_t vec_stride,
                int32_t vecs, int32_t depth, int32_t* sums) {
  switch (vecs) {
    case 4:
      PackedBlock<kRows, 4>(lhs, lhs_stride, packed, vec_stride, depth, sums);
      break;
    case 3:
      PackedBlock<kRows, 3>(lhs, lhs_stride, packed, vec_stride, depth, sums);
      break;
    case 2:
      PackedBlock<kRows, 2>(lhs, lhs_stride, packed, vec_stride, depth, sums);
      break;
    default:
      PackedBlock<kRows, 1>(lhs, lhs_stride, packed, vec_stride, depth, sums);
      break;
  }
}

// 16-column vectors of `cols` columns.
int32_t VecsOf(int32_t cols) {
  return (cols + 15) / 16;
}

}  // namespace

size_t PackedVnniBytes(int32_t cols, int32_t depth) {
  return static_cast<size_t>(VecsOf(cols)) * 64 * static_cast<size_t>((depth + 3) / 4);
}

// Each packed vector of a whole group gathers its 16 columns' four bytes
// (columns past the last left zero); the last group's partial bytes are
// copied one by one over zeros.
MICROML_TARGET_VNNI void PackVnni(const int8_t* rhs, int32_t cols, int32_t depth, int8_t* packed) {
  const int32_t vecs = VecsOf(cols);
  const int32_t whole = depth / 4;
  const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  for (int32_t v = 0; v < vecs; ++v) {
    const int32_t n = cols - 16 * v < 16 ? cols - 16 * v : 16;
    const __mmask16 valid = static_cast<__mmask16>((1u << n) - 1);
    const __m512i index = _mm512_mullo_epi32(lane, _mm512_set1_epi32(depth));
    const int8_t* base = rhs + static_cast<size_t>(16 * v) * depth;
    int8_t* dst = packed + v * 64;
    for (int32_t g = 0; g < whole; ++g, dst += vecs * 64) {
      _mm512_storeu_si512(
          dst, _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), valid, index, base + 4 * g, 1));
    }
    if (depth % 4 != 0) {
      memset(dst, 0, 64);
      for (int32_t c = 0; c < n; ++c) {
        for (int32_t k = 4 * whole; k < depth; ++k)
          dst[c * 4 + k - 4 * whole] = base[c * depth + k];
      }
    }
  }
}

void DotsVnniPacked(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* packed,
                    int32_t cols, int32_t first, int32_t n, int32_t depth, int32_t* sums) {
  const int8_t* p = packed + (first / 16) * 64;
  const int32_t vec_stride = VecsOf(cols);
  const int32_t vecs = VecsOf(n);
  switch (rows) {
    case 4:
      PackedRows<4>(lhs, lhs_stride, p, vec_stride, vecs, depth, sums);
      break;
    case 3:
      PackedRows<3>(lhs, lhs_stride, p, vec_stride, vecs, depth, sums);
      break;
    case 2:
      PackedRows<2>(lhs, lhs_stride, p, vec_stride, vecs, depth, sums);
      break;
    default:
      PackedRows<1>(lhs, lhs_stride, p, vec_stride, vecs, depth, sums);
      break;
  }
}

void DotsVnni(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs, int32_t n,
              int32_t depth, int32_t* sums) {
  BlockDots<BlockVnni, kGemmRowBlock>(lhs, lhs_stride, rows, rhs, n, depth, 0, sums);
}

void DotsVnniFused(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs,
                   int32_t n, int32_t depth, int32_t input_offset, int32_t* sums) {
  BlockDots<BlockVnniFused, kGemmRowBlock>(lhs, lhs_stride, rows, rhs, n, depth, input_offset,
                                           sums);
}

// Row sums by VPDPBUSD against bytes of 1, four rows at a time (one Total4
// for four sums), the last four overlapping the ones before when n is not a
// multiple of 4.
MICROML_TARGET_VNNI void FoldVnni(const int8_t* rhs, int32_t n, int32_t depth, int32_t input_offset,
                                  const int32_t* bias, int32_t* folded) {
  const __m512i ones = _mm512_set1_epi8(1);
  const uint32_t scale = static_cast<uint32_t>(input_offset) - 128u;
  const int32_t rows = n < 4 ? 1 : 4;
  for (int32_t c0 = 0; c0 < n; c0 += rows) {
    const int32_t c = n - c0 < rows ? n - rows : c0;
    __m512i acc[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(),
                      _mm512_setzero_si512()};
    for (int32_t k = 0; k < depth; k += 64) {
      const __mmask64 mask = MaskOf(depth - k);
      for (int32_t j = 0; j < rows; ++j) {
        acc[j] = _mm512_dpbusd_epi32(acc[j], ones,
                                     _mm512_maskz_loadu_epi8(mask, rhs + (c + j) * depth + k));
      }
    }
    alignas(16) int32_t sums[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(sums), Total4(acc[0], acc[1], acc[2], acc[3]));
    for (int32_t j = 0; j < rows; ++j) {
      const uint32_t start = bias != nullptr ? static_cast<uint32_t>(bias[c + j]) : 0u;
      folded[c + j] = static_cast<int32_t>(start + static_cast<uint32_t>(sums[j]) * scale);
    }
  }
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__
