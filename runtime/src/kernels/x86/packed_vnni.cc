#include "kernels/x86/packed_vnni.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include <string.h>

#include "kernels/x86/requantize512.h"
#include "kernels/x86/target.h"

namespace microml {
namespace x86 {
namespace {

constexpr __mmask16 kAll16 = 0xFFFF;

// One row's 16 columns from column c: requantized, offset, clamped, stored
// (n < 16: only the first n bytes).
MICROML_TARGET_VNNI inline void Store16(const PackedConv& k, int32_t c, __m512i acc, int32_t n,
                                        int8_t* out) {
  const __m512i sum = _mm512_add_epi32(acc, _mm512_loadu_si512(k.bias + c));
  __m512i v = RequantizeRight16(sum, _mm512_loadu_si512(k.multiplier + c),
                                _mm512_loadu_si512(k.post + c), _mm512_loadu_si512(k.half + c));
  v = _mm512_add_epi32(v, _mm512_set1_epi32(k.offset));
  v = _mm512_maskz_min_epi32(kAll16, _mm512_maskz_max_epi32(kAll16, v, _mm512_set1_epi32(k.lo)),
                             _mm512_set1_epi32(k.hi));
  if (n >= 16 || (k.cols <= 64 && k.out_end - out >= 16)) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm512_maskz_cvtsepi32_epi8(kAll16, v));
  } else {
    _mm512_mask_cvtsepi32_storeu_epi8(out, static_cast<__mmask16>((1u << n) - 1), v);
  }
}

// kRows rows x kVecs vectors of 16 columns from column c: each group of four
// lhs bytes, broadcast and flipped to unsigned, meets 16 columns' four weights.
template <int kRows, int kVecs>
MICROML_TARGET_VNNI void Block(const PackedConv& k, const int8_t* lhs, int32_t lhs_stride,
                               int32_t c, int8_t* out, int32_t out_stride) {
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  __m512i acc[kRows][kVecs];
  for (int r = 0; r < kRows; ++r) {
    for (int v = 0; v < kVecs; ++v) acc[r][v] = _mm512_setzero_si512();
  }
  const int32_t vec_stride = (k.cols + 15) / 16;
  const int8_t* w = k.packed + (c / 16) * 64;
  const size_t group_bytes = static_cast<size_t>(vec_stride) * 64;
  __m512i a[kRows];
  for (int32_t g = 0; g < k.groups; ++g, w += group_bytes) {
    const int32_t at = k.offsets[g];
    for (int r = 0; r < kRows; ++r) {
      int32_t word;
      memcpy(&word, lhs + r * lhs_stride + at, 4);
      a[r] = _mm512_xor_si512(_mm512_set1_epi32(word), flip);
    }
    for (int v = 0; v < kVecs; ++v) {
      const __m512i wv = _mm512_loadu_si512(w + v * 64);
      for (int r = 0; r < kRows; ++r) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], a[r], wv);
    }
  }
  if (k.tail != 0) {
    // The bytes past the row meet zero weights: left zero rather than read.
    for (int r = 0; r < kRows; ++r) {
      int32_t word = 0;
      memcpy(&word, lhs + r * lhs_stride + 4 * k.groups, static_cast<size_t>(k.tail));
      a[r] = _mm512_xor_si512(_mm512_set1_epi32(word), flip);
    }
    for (int v = 0; v < kVecs; ++v) {
      const __m512i wv = _mm512_loadu_si512(w + v * 64);
      for (int r = 0; r < kRows; ++r) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], a[r], wv);
    }
  }
  for (int r = 0; r < kRows; ++r) {
    for (int v = 0; v < kVecs; ++v) {
      Store16(k, c + 16 * v, acc[r][v], k.cols - c - 16 * v, out + r * out_stride + c + 16 * v);
    }
  }
}

template <int kRows>
void RowBlock(const PackedConv& k, const int8_t* lhs, int32_t lhs_stride, int8_t* out,
              int32_t out_stride) {
  for (int32_t c = 0; c < k.cols; c += 64) {
    switch ((k.cols - c + 15) / 16) {
      case 1:
        Block<kRows, 1>(k, lhs, lhs_stride, c, out, out_stride);
        break;
      case 2:
        Block<kRows, 2>(k, lhs, lhs_stride, c, out, out_stride);
        break;
      case 3:
        Block<kRows, 3>(k, lhs, lhs_stride, c, out, out_stride);
        break;
      default:
        Block<kRows, 4>(k, lhs, lhs_stride, c, out, out_stride);
        break;
    }
  }
}

}  // namespace

bool PackedConvScales(const arm::GemmS8Output& q, int32_t cols, int32_t* multiplier, int32_t* post,
                      int32_t* half) {
  const int32_t padded = (cols + 15) / 16 * 16;
  for (int32_t c = 0; c < padded; ++c) {
    const int32_t i = c < cols ? c : cols - 1;
    const int32_t shift = q.shift[i * q.step];
    if (shift > -1 || shift < -31) return false;
    multiplier[c] = q.multiplier[i * q.step];
    post[c] = -1 - shift;
    half[c] = 1 << post[c];
  }
  return true;
}

void PackedConvRows(const PackedConv& k, const int8_t* lhs, int32_t lhs_stride, int32_t rows,
                    int8_t* out, int32_t out_stride) {
  int32_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    RowBlock<4>(k, lhs + r * lhs_stride, lhs_stride, out + r * out_stride, out_stride);
  }
  const int8_t* a = lhs + r * lhs_stride;
  int8_t* o = out + r * out_stride;
  switch (rows - r) {
    case 3:
      RowBlock<3>(k, a, lhs_stride, o, out_stride);
      break;
    case 2:
      RowBlock<2>(k, a, lhs_stride, o, out_stride);
      break;
    case 1:
      RowBlock<1>(k, a, lhs_stride, o, out_stride);
      break;
    default:
      break;
  }
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__
