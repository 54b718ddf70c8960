// A VNNI GEMM for convolutions whose weights were packed once per invocation
// (PackVnni) and whose every output channel requantizes by a right shift:
// rows in blocks of up to 4, all columns of a block before the next (so a
// call keeps the overlap contract of notes/overlap_contract.md over any
// number of rows), the sums requantized in registers. Each row's depth is
// read in groups of 4 bytes at `offsets` from the row's start, which lets the
// rows be im2col rows (offsets 4g) or windows read in place from the input.
#ifndef MICROML_KERNELS_X86_PACKED_VNNI_H_
#define MICROML_KERNELS_X86_PACKED_VNNI_H_

#include <stdint.h>

#include "kernels/arm/gemm_s8.h"

namespace microml {
namespace x86 {

struct PackedConv {
  const int8_t* packed;  // PackVnni of `cols` rows of the weights
  int32_t cols;
  const int32_t* offsets;  // byte offset of group g in a row, g < groups
  int32_t groups;          // whole groups of 4 depth values
  int32_t tail;            // depth % 4: bytes at 4 * groups (rows with offsets 4g only)
  // Per column, at least `cols` rounded up to 16 entries each: FoldVnni's
  // bias, the multiplier, e - 1 and 2^(e - 1) for a right shift by e.
  const int32_t* bias;
  const int32_t* multiplier;
  const int32_t* post;
  const int32_t* half;
  int32_t offset;
  int32_t lo;
  int32_t hi;
  // The end of the output tensor. With at most 64 columns, rows of `cols`
  // bytes one after another and the rows written in order, a row's last
  // partial vector is stored whole when it ends before this: the bytes past
  // the row belong to the next row, written after it (a masked store is slow
  // on some CPUs, AMD Zen 4).
  const int8_t* out_end;
};

// Columns PackedConvColumns takes per call, and the most its arrays hold.
constexpr int32_t kPackedConvMaxColumns = 256;

// Fills the per-column arrays of `k` (each kPackedConvMaxColumns long) for
// cols <= kPackedConvMaxColumns; false when some shift is not a right shift
// of 1 to 31 (the caller takes another path). FoldVnni has filled k.bias.
bool PackedConvScales(const arm::GemmS8Output& q, int32_t cols, int32_t* multiplier, int32_t* post,
                      int32_t* half);

// out[r * out_stride + c] for r < rows, c < k.cols, row r at lhs + r * lhs_stride.
void PackedConvRows(const PackedConv& k, const int8_t* lhs, int32_t lhs_stride, int32_t rows,
                    int8_t* out, int32_t out_stride);

}  // namespace x86
}  // namespace microml

#endif  // MICROML_KERNELS_X86_PACKED_VNNI_H_
