// The int8 GEMM core on x86-64 (CONV_2D 1x1 and im2col, FULLY_CONNECTED):
// arm/gemm_s8.h's GemmS8, same arguments and bit-identical results, at the
// level cpu.h's ActiveLevel() chose; the portable level is arm::GemmS8.
#ifndef MICROML_KERNELS_X86_GEMM_S8_H_
#define MICROML_KERNELS_X86_GEMM_S8_H_

#include <stddef.h>
#include <stdint.h>

#include "kernels/arm/gemm_s8.h"
#include "kernels/x86/cpu.h"

namespace microml {
namespace x86 {

// At the AVX-512 VNNI level, callers with many rows over the same weights
// may give what GemmS8 otherwise works out per call: `packed`, rhs packed by
// PackVnni, and `folded`, the FoldVnni bias of all `cols` columns (either
// nullptr: none). Other levels ignore both.
void GemmS8(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs, int32_t cols,
            int32_t depth, const arm::GemmS8Output& q, int8_t* out, int32_t out_stride,
            const int8_t* packed = nullptr, const int32_t* folded = nullptr);

// GemmS8 at `level` (at most SupportedLevel()), for the unit tests.
void GemmS8At(Level level, const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs,
              int32_t cols, int32_t depth, const arm::GemmS8Output& q, int8_t* out,
              int32_t out_stride, const int8_t* packed, const int32_t* folded);

// Bytes PackVnni writes for `cols` rows of `depth` weights.
size_t PackedVnniBytes(int32_t cols, int32_t depth);
void PackVnni(const int8_t* rhs, int32_t cols, int32_t depth, int8_t* packed);

// Rows a level's dot products take at once (the most of any level).
constexpr int32_t kGemmRowBlock = 4;

// Each level's parts (gemm_sse41.cc, gemm_avx2.cc, gemm_vnni.cc). Dots:
// for r < rows <= kGemmRowBlock and c < n <= kGemmS8ColumnChunk, the int32
// sum over k of (lhs[r][k] + input_offset) * rhs[c][k] into
// sums[r * kGemmS8ColumnChunk + c], wrapping. DotsVnni leaves out the
// offset's part, which FoldVnni puts in the column bias.
void DotsSse41(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs, int32_t n,
               int32_t depth, int32_t input_offset, int32_t* sums);
void DotsAvx2(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs, int32_t n,
              int32_t depth, int32_t input_offset, int32_t* sums);
void DotsVnni(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs, int32_t n,
              int32_t depth, int32_t* sums);
// DotsVnni plus FoldVnni's offset part (not the bias), in one pass over the
// weights: for calls of a few rows, where a separate FoldVnni pass costs as
// much as the dot products.
void DotsVnniFused(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs,
                   int32_t n, int32_t depth, int32_t input_offset, int32_t* sums);
// DotsVnni for columns [first, first + n) of `cols` packed by PackVnni
// (first a multiple of 16).
void DotsVnniPacked(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* packed,
                    int32_t cols, int32_t first, int32_t n, int32_t depth, int32_t* sums);
// folded[c] = bias[c] (nullptr: 0) + (input_offset - 128) * sum_k rhs[c][k]
// modulo 2^32: DotsVnni multiplies lhs + 128 (unsigned bytes) by rhs, so
// adding this gives the sums of (lhs + input_offset) * rhs exactly.
void FoldVnni(const int8_t* rhs, int32_t n, int32_t depth, int32_t input_offset,
              const int32_t* bias, int32_t* folded);
// One row of n outputs from its sums and column bias (nullptr: none), with the
// columns of q starting at the first of them.
void FinishRowAvx2(const int32_t* sums, const int32_t* bias, int32_t n, const arm::GemmS8Output& q,
                   int8_t* out);

}  // namespace x86
}  // namespace microml

#endif  // MICROML_KERNELS_X86_GEMM_S8_H_
