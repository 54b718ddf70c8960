#include "kernels/x86/gemm_s8.h"

#if defined(__x86_64__)

#include "kernels/x86/cpu.h"
#include "kernels/x86/requantize.h"

namespace microml {
namespace x86 {
namespace {

void FinishRowScalar(const int32_t* sums, const int32_t* bias, int32_t n,
                     const arm::GemmS8Output& q, int8_t* out) {
  for (int32_t c = 0; c < n; ++c) {
    const int32_t sum = WrappingAdd(sums[c], bias != nullptr ? bias[c] : 0);
    out[c] = FinishScalar(sum, q.multiplier[c * q.step], q.shift[c * q.step], q.offset, q.act_min,
                          q.act_max);
  }
}

}  // namespace

// Columns in chunks (each VNNI chunk folded once), rows in blocks within a
// chunk, so a chunk's weights stay in cache across all the rows.
void GemmS8(const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs, int32_t cols,
            int32_t depth, const arm::GemmS8Output& q, int8_t* out, int32_t out_stride,
            const int8_t* packed, const int32_t* folded) {
  GemmS8At(ActiveLevel(), lhs, lhs_stride, rows, rhs, cols, depth, q, out, out_stride, packed,
           folded);
}

void GemmS8At(Level level, const int8_t* lhs, int32_t lhs_stride, int32_t rows, const int8_t* rhs,
              int32_t cols, int32_t depth, const arm::GemmS8Output& q, int8_t* out,
              int32_t out_stride, const int8_t* packed, const int32_t* folded_bias) {
  if (level == Level::kPortable) {
    arm::GemmS8(lhs, lhs_stride, rows, rhs, cols, depth, q, out, out_stride);
    return;
  }
  int32_t sums[kGemmRowBlock * arm::kGemmS8ColumnChunk];
  int32_t folded[arm::kGemmS8ColumnChunk];
  for (int32_t c0 = 0; c0 < cols; c0 += arm::kGemmS8ColumnChunk) {
    const int32_t n = cols - c0 < arm::kGemmS8ColumnChunk ? cols - c0 : arm::kGemmS8ColumnChunk;
    const arm::GemmS8Output chunk = arm::GemmS8Columns(q, c0);
    const int8_t* b = rhs + c0 * depth;
    const int32_t* bias = chunk.bias;
    // One block of rows with nothing precomputed: the weight sums in the
    // same pass as the dot products.
    const bool fused = level == Level::kAvx512Vnni && folded_bias == nullptr && packed == nullptr &&
                       rows <= kGemmRowBlock;
    if (level == Level::kAvx512Vnni && !fused) {
      if (folded_bias != nullptr) {
        bias = folded_bias + c0;
      } else {
        FoldVnni(b, n, depth, q.input_offset, chunk.bias, folded);
        bias = folded;
      }
    }
    for (int32_t r0 = 0; r0 < rows; r0 += kGemmRowBlock) {
      const int32_t block = rows - r0 < kGemmRowBlock ? rows - r0 : kGemmRowBlock;
      const int8_t* a = lhs + r0 * lhs_stride;
      switch (level) {
        case Level::kAvx512Vnni:
          if (fused) {
            DotsVnniFused(a, lhs_stride, block, b, n, depth, q.input_offset, sums);
          } else if (packed != nullptr) {
            DotsVnniPacked(a, lhs_stride, block, packed, cols, c0, n, depth, sums);
          } else {
            DotsVnni(a, lhs_stride, block, b, n, depth, sums);
          }
          break;
        case Level::kAvx2:
          DotsAvx2(a, lhs_stride, block, b, n, depth, q.input_offset, sums);
          break;
        default:
          DotsSse41(a, lhs_stride, block, b, n, depth, q.input_offset, sums);
          break;
      }
      for (int32_t r = 0; r < block; ++r) {
        int8_t* o = out + (r0 + r) * out_stride + c0;
        const int32_t* s = sums + r * arm::kGemmS8ColumnChunk;
        if (level >= Level::kAvx2) {
          FinishRowAvx2(s, bias, n, chunk, o);
        } else {
          FinishRowScalar(s, bias, n, chunk, o);
        }
      }
    }
  }
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__
