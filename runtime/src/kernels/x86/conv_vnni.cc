#include "kernels/x86/conv_vnni.h"

#if defined(__x86_64__)

#include <stddef.h>

#include "kernels/arm/conv2d.h"
#include "kernels/x86/gemm_s8.h"
#include "kernels/x86/im2col.h"
#include "kernels/x86/packed_vnni.h"

namespace microml {
namespace x86 {
namespace {

constexpr size_t kMaxPackedBytes = 16384;
// kMaxPackedBytes holds at most 256 groups of 16 columns.
constexpr int32_t kMaxGroups = 256;

// Pixels a GEMM call takes from the small-row im2col buffer: at most 16
// (the overlap contract does not bind copies, but the buffer is on the stack).
constexpr int32_t kSmallRows = 16;

// The im2col rows of pixels [first, end) of output row oy, as many at a time
// as the scratch holds.
void Im2colRun(const Conv2DParams& d, const Conv2DShape& s, const int8_t* image, int32_t oy,
               int32_t first, int32_t end, const PackedConv& k, int8_t* scratch,
               int32_t scratch_rows, int8_t* out) {
  const int32_t depth = s.f_h * s.f_w * s.in_c;
  const int8_t pad_value = static_cast<int8_t>(-d.input_offset);
  if (depth <= 64) {
    // Rows of one 64-byte store each (FillIm2colRow64), on the stack.
    alignas(64) int8_t rows[kSmallRows * 64];
    for (int32_t ox = first; ox < end; ox += kSmallRows) {
      const int32_t n = end - ox < kSmallRows ? end - ox : kSmallRows;
      for (int32_t i = 0; i < n; ++i) {
        FillIm2colRow64(d, s, image, oy, ox + i, pad_value, rows + i * 64);
      }
      PackedConvRows(k, rows, 64, n, out + ox * s.out_c, s.out_c);
    }
    return;
  }
  const int8_t* limit = scratch + scratch_rows * depth;
  for (int32_t ox = first; ox < end; ox += scratch_rows) {
    const int32_t n = end - ox < scratch_rows ? end - ox : scratch_rows;
    for (int32_t i = 0; i < n; ++i) {
      FillIm2colRow(d, s, image, oy, ox + i, pad_value, scratch + i * depth, limit);
    }
    PackedConvRows(k, scratch, depth, n, out + ox * s.out_c, s.out_c);
  }
}

// [*first, *end): the output columns whose window lies inside the input.
void InsideColumns(const Conv2DParams& d, const Conv2DShape& s, int32_t* first, int32_t* end) {
  const int64_t span = static_cast<int64_t>(s.f_w - 1) * d.dilation_w;
  int32_t lo = 0;
  while (lo < s.out_w && static_cast<int64_t>(lo) * d.stride_w - d.pad_w < 0) ++lo;
  int32_t hi = s.out_w;
  while (hi > lo && static_cast<int64_t>(hi - 1) * d.stride_w - d.pad_w + span >= s.in_w) --hi;
  *first = lo;
  *end = hi;
}

}  // namespace

bool Conv2DVnni(const Conv2DParams& d, const Conv2DShape& s, const int8_t* input,
                const int8_t* filter, const int32_t* bias, int8_t* scratch, int8_t* output) {
  const int32_t depth = s.f_h * s.f_w * s.in_c;
  const bool direct_1x1 = arm::Conv2DIsDirect1x1(d, s);
  if (s.out_c > kPackedConvMaxColumns || depth / 4 > kMaxGroups ||
      PackedVnniBytes(s.out_c, depth) > kMaxPackedBytes) {
    return false;
  }
  const arm::GemmS8Output q = arm::GemmS8OutputOf(d, bias);
  alignas(64) int32_t multiplier[kPackedConvMaxColumns];
  alignas(64) int32_t post[kPackedConvMaxColumns];
  alignas(64) int32_t half[kPackedConvMaxColumns];
  if (!PackedConvScales(q, s.out_c, multiplier, post, half)) return false;
  alignas(64) int32_t folded[kPackedConvMaxColumns] = {};
  FoldVnni(filter, s.out_c, depth, d.input_offset, bias, folded);
  alignas(64) int8_t packed[kMaxPackedBytes];
  PackVnni(filter, s.out_c, depth, packed);
  int32_t offsets[kMaxGroups];
  for (int32_t g = 0; g < depth / 4; ++g) offsets[g] = 4 * g;
  PackedConv k{packed,
               s.out_c,
               offsets,
               depth / 4,
               depth % 4,
               folded,
               multiplier,
               post,
               half,
               d.output_offset,
               d.act_min,
               d.act_max,
               output + s.batches * s.out_h * s.out_w * s.out_c};
  if (direct_1x1) {
    if (d.stride_h == 1 && d.stride_w == 1) {
      PackedConvRows(k, input, s.in_c, s.batches * s.out_h * s.out_w, output, s.out_c);
      return true;
    }
    for (int32_t b = 0; b < s.batches; ++b) {
      for (int32_t oy = 0; oy < s.out_h; ++oy) {
        const int8_t* lhs = input + ((b * s.in_h + oy * d.stride_h) * s.in_w) * s.in_c;
        PackedConvRows(k, lhs, d.stride_w * s.in_c, s.out_w,
                       output + ((b * s.out_h + oy) * s.out_w) * s.out_c, s.out_c);
      }
    }
    return true;
  }
  const int32_t scratch_rows = static_cast<int32_t>(arm::Conv2DInt8ScratchBytes(d, s) / depth);
  // Windows read in place: group g of a window row of whole groups lies in
  // filter row 4g / row_bytes, so its offset from the window's first byte is
  // the same for every pixel; the im2col rows keep offsets 4g.
  const int32_t row_bytes = s.f_w * s.in_c;
  const int32_t line_bytes = s.in_w * s.in_c;
  const bool in_place = d.dilation_w == 1 && row_bytes % 4 == 0;
  int32_t direct[kMaxGroups];
  int32_t first = 0;
  int32_t end = 0;
  if (in_place) {
    for (int32_t g = 0; g < depth / 4; ++g) {
      direct[g] = (4 * g / row_bytes) * d.dilation_h * line_bytes + (4 * g) % row_bytes;
    }
    InsideColumns(d, s, &first, &end);
  }
  PackedConv kd = k;
  kd.offsets = direct;
  for (int32_t b = 0; b < s.batches; ++b) {
    const int8_t* image = input + b * s.in_h * line_bytes;
    int8_t* out_image = output + b * s.out_h * s.out_w * s.out_c;
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      int8_t* out = out_image + oy * s.out_w * s.out_c;
      const int32_t y0 = oy * d.stride_h - d.pad_h;
      const bool rows_inside = y0 >= 0 && y0 + (s.f_h - 1) * d.dilation_h < s.in_h;
      if (!in_place || !rows_inside || first >= end) {
        Im2colRun(d, s, image, oy, 0, s.out_w, k, scratch, scratch_rows, out);
        continue;
      }
      Im2colRun(d, s, image, oy, 0, first, k, scratch, scratch_rows, out);
      const int8_t* lhs = image + y0 * line_bytes + (first * d.stride_w - d.pad_w) * s.in_c;
      PackedConvRows(kd, lhs, d.stride_w * s.in_c, end - first, out + first * s.out_c, s.out_c);
      Im2colRun(d, s, image, oy, end, s.out_w, k, scratch, scratch_rows, out);
    }
  }
  return true;
}

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__
