// How every level's GEMM dot products walk a chunk: rows in blocks of the
// level's register budget, columns four at a time. Only the blocks differ
// between levels: Block<kRows, kCols>::Run(lhs, lhs_stride, rhs, c, depth,
// input_offset, sums) writes the kRows x kCols sums from column c into
// sums[r * kGemmS8ColumnChunk + c + j], compiled for its level.
#ifndef MICROML_KERNELS_X86_GEMM_BLOCKS_H_
#define MICROML_KERNELS_X86_GEMM_BLOCKS_H_

#if defined(__x86_64__)

#include <stdint.h>

#include "kernels/arm/gemm_s8.h"
#include "kernels/quantization.h"

namespace microml {
namespace x86 {

// The depth values past a level's last whole vector step.
inline int32_t TailDot(const int8_t* a, const int8_t* b, int32_t from, int32_t depth,
                       int32_t input_offset) {
  int32_t s = 0;
  for (int32_t k = from; k < depth; ++k) s = WrappingAdd(s, (a[k] + input_offset) * b[k]);
  return s;
}

// All n columns of kRows rows: four at a time, the last four overlapping the
// previous block when n is not a multiple of 4 (recomputing equal sums).
template <template <int, int> class Block, int kRows>
void BlockColumns(const int8_t* lhs, int32_t lhs_stride, const int8_t* rhs, int32_t n,
                  int32_t depth, int32_t input_offset, int32_t* sums) {
  if (n < 4) {
    for (int32_t c = 0; c < n; ++c) {
      Block<kRows, 1>::Run(lhs, lhs_stride, rhs, c, depth, input_offset, sums);
    }
    return;
  }
  for (int32_t c0 = 0; c0 < n; c0 += 4) {
    const int32_t c = n - c0 < 4 ? n - 4 : c0;
    Block<kRows, 4>::Run(lhs, lhs_stride, rhs, c, depth, input_offset, sums);
  }
}

// Fewer than kRows rows (at least one), in one block of their own height.
template <template <int, int> class Block, int kRows>
void BlockShortRows(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs,
                    int32_t n, int32_t depth, int32_t input_offset, int32_t* sums) {
  if constexpr (kRows > 2) {
    if (rows < kRows - 1) {
      BlockShortRows<Block, kRows - 1>(lhs, lhs_stride, rows, rhs, n, depth, input_offset, sums);
      return;
    }
  }
  BlockColumns<Block, kRows - 1>(lhs, lhs_stride, rhs, n, depth, input_offset, sums);
}

// All `rows` rows, kRowBlock at a time, the rest as one shorter block.
template <template <int, int> class Block, int kRowBlock>
void BlockDots(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs, int32_t n,
               int32_t depth, int32_t input_offset, int32_t* sums) {
  int32_t r = 0;
  for (; r + kRowBlock <= rows; r += kRowBlock) {
    BlockColumns<Block, kRowBlock>(lhs + r * lhs_stride, lhs_stride, rhs, n, depth, input_offset,
                                   sums + r * arm::kGemmS8ColumnChunk);
  }
  if constexpr (kRowBlock > 1) {
    if (r < rows) {
      BlockShortRows<Block, kRowBlock>(lhs + r * lhs_stride, lhs_stride, rows - r, rhs, n, depth,
                                       input_offset, sums + r * arm::kGemmS8ColumnChunk);
    }
  }
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__

#endif  // MICROML_KERNELS_X86_GEMM_BLOCKS_H_
