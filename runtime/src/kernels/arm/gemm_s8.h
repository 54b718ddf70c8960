// The int8 matrix x matrix core shared by CONV_2D (1x1 directly on the input,
// other filters on im2col rows) and FULLY_CONNECTED: rows of activations times
// rows of weights, requantized to int8. The input offset is folded into a
// per-column bias (GemmS8FoldBias) so the inner loops are plain int8 x int8
// dot products; int32 sums wrap, as in the reference kernels.
#ifndef MICROML_KERNELS_ARM_GEMM_S8_H_
#define MICROML_KERNELS_ARM_GEMM_S8_H_

#include <stddef.h>
#include <stdint.h>

namespace microml {
namespace arm {

// How column c's int32 sum becomes an int8 output.
struct GemmS8Output {
  // Per column; nullptr: none.
  const int32_t* bias;
  // Per column (step 1) or one for all (step 0).
  const int32_t* multiplier;
  const int8_t* shift;
  int32_t step;
  // Added to every lhs value (minus its zero point).
  int32_t input_offset;
  int32_t offset;
  int32_t act_min;
  int32_t act_max;
};

// The output of an int8 operator whose params hold scales, offsets and a
// clamp (CONV_2D, FULLY_CONNECTED).
template <class Params>
GemmS8Output GemmS8OutputOf(const Params& d, const int32_t* bias) {
  return GemmS8Output{bias,           d.scales.multiplier, d.scales.shift, d.scales.step,
                      d.input_offset, d.output_offset,     d.act_min,      d.act_max};
}

// Columns folded at a time, on the stack: the folded bias is never kept, so
// the optimized kernels need no more persistent memory than the reference.
constexpr int32_t kGemmS8ColumnChunk = 64;

// For r < rows and c < cols, with a row of `depth` values at
// lhs + r * lhs_stride and one at rhs + c * depth:
//   out[r * out_stride + c] = clamp(Requantize(bias[c] + sum_k (lhs + input_offset) * rhs)
//                                   + offset)
// exactly as the reference kernels compute it.
void GemmS8(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs, int32_t cols,
            int32_t depth, const GemmS8Output& q, int8_t* out, int32_t out_stride);

// GemmS8 of rows = 1 (lhs_stride and out_stride unused), for callers that
// know it: Helium then adds the input offset in the dot products rather than
// folding it into the bias, which reads every weight a second time. Apart from
// GemmS8 so that its many multi-row calls do not pay for the test.
void GemmS8SingleRow(const int8_t* lhs, const int8_t* rhs, int32_t cols, int32_t depth,
                     const GemmS8Output& q, int8_t* out);

// Bytes of scratch GemmS8Widened needs for rows of `depth` values: 0 when it
// cannot run them (depth not a multiple of 4) or the build has no such path
// (Helium, whose 16-way dot products gain nothing from widening).
size_t GemmS8WidenedScratchBytes(int32_t depth);
// GemmS8 that widens each pair of lhs rows to 16 bits with the input offset
// added, once, in `scratch`, so the products against every rhs row take one
// instruction each on the Arm DSP. Only when GemmS8WidenedScratchBytes > 0.
void GemmS8Widened(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs,
                   int32_t cols, int32_t depth, const GemmS8Output& q, void* scratch, int8_t* out,
                   int32_t out_stride);

// The parts of GemmS8, for callers that produce lhs rows a few at a time
// (im2col) and fold each chunk of columns once.
//
// folded[c] = bias[c] + input_offset * sum of rhs row c (bias nullptr: 0),
// wrapping: sum_k rhs * (lhs + input_offset) + bias = folded + sum_k rhs * lhs
// modulo 2^32, which is all an int32 accumulator keeps.
void GemmS8FoldBias(const int8_t* rhs, int32_t cols, int32_t depth, int32_t input_offset,
                    const int32_t* bias, int32_t* folded);
// q with its per-column arrays starting at column `first`.
GemmS8Output GemmS8Columns(const GemmS8Output& q, int32_t first);
// GemmS8 given the folded bias of the `cols` columns (q.bias and q.input_offset
// are not read).
void GemmS8Folded(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs,
                  int32_t cols, int32_t depth, const int32_t* folded, const GemmS8Output& q,
                  int8_t* out, int32_t out_stride);

}  // namespace arm
}  // namespace microml

#endif  // MICROML_KERNELS_ARM_GEMM_S8_H_
