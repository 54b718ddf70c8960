// Optimized CONV_2D: int8 on the GEMM core, every other type on the reference
// compute, behind the shared prepare.
#include "kernels/arm/conv2d.h"

#include <stdint.h>
#include <string.h>

#if defined(__ARM_FEATURE_MVE)
#include <arm_mve.h>
#endif

#include "kernels/arm/gemm_s8.h"
#include "microml/kernels.h"

namespace microml {
namespace arm {
namespace {

// Output pixels gathered per im2col GEMM call: enough for the 2-row blocks of
// the DSP path and to spread each call's setup. Helium's setup (each block of
// columns' bias and scales) weighs more beside its short dot products: up to
// 16 rows there, as long as they take no more than 1152 bytes of scratch
// (8 rows of a 3x3x16 window), so that the arena grows by little.
int32_t Im2colRows(int32_t depth) {
#if defined(__ARM_FEATURE_MVE)
  constexpr int32_t kMaxRowBytes = 1152;
  const int32_t rows = depth > 0 ? kMaxRowBytes / depth : 16;
  return rows < 4 ? 4 : (rows > 16 ? 16 : rows);
#else
  static_cast<void>(depth);
  return 4;
#endif
}

// Output pixels per GEMM call of a 1x1 filter with unit strides: enough to
// spread each call's setup, few enough that the output may start close below
// its input in the arena.
constexpr int32_t kDirectRows = 16;

// memcpy and memset for the short runs of im2col: newlib-nano's go a byte at a
// time.
#if defined(__ARM_FEATURE_MVE)
// Whole vectors unpredicated (a predicated one costs a VPST more), then the
// tail.
inline void CopyBytes(int8_t* dst, const int8_t* src, int32_t n) {
  for (; n >= 16; n -= 16, dst += 16, src += 16) vstrbq_s8(dst, vldrbq_s8(src));
  if (n > 0) {
    const mve_pred16_t p = vctp8q(static_cast<uint32_t>(n));
    vstrbq_p_s8(dst, vldrbq_z_s8(src, p), p);
  }
}

void FillBytes(int8_t* dst, int8_t value, int32_t n) {
  const int8x16_t v = vdupq_n_s8(value);
  for (; n > 0; n -= 16, dst += 16) vstrbq_p_s8(dst, v, vctp8q(static_cast<uint32_t>(n)));
}
#else
void CopyBytes(int8_t* dst, const int8_t* src, int32_t n) {
  for (; n >= 4; n -= 4, dst += 4, src += 4) {
    uint32_t word;
    memcpy(&word, src, sizeof(word));
    memcpy(dst, &word, sizeof(word));
  }
  for (int32_t i = 0; i < n; ++i) dst[i] = src[i];
}

void FillBytes(int8_t* dst, int8_t value, int32_t n) {
  const uint32_t word = 0x01010101u * static_cast<uint8_t>(value);
  for (; n >= 4; n -= 4, dst += 4) memcpy(dst, &word, sizeof(word));
  for (int32_t i = 0; i < n; ++i) dst[i] = value;
}
#endif

}  // namespace

void FillIm2colRow(const Conv2DParams& d, const Conv2DShape& s, const int8_t* image, int32_t oy,
                   int32_t ox, int8_t pad_value, int8_t* row) {
  const int32_t y0 = oy * d.stride_h - d.pad_h;
  const int32_t x0 = ox * d.stride_w - d.pad_w;
  const int32_t row_bytes = s.f_w * s.in_c;
  for (int32_t fy = 0; fy < s.f_h; ++fy, row += row_bytes) {
    const int32_t iy = y0 + d.dilation_h * fy;
    if (iy < 0 || iy >= s.in_h) {
      FillBytes(row, pad_value, row_bytes);
      continue;
    }
    const int8_t* line = image + iy * s.in_w * s.in_c;
    if (d.dilation_w == 1 && x0 >= 0 && x0 + s.f_w <= s.in_w) {
      CopyBytes(row, line + x0 * s.in_c, row_bytes);
      continue;
    }
    if (d.dilation_w == 1) {
      // Padding on the left, the columns inside the input, padding on the right.
      const int32_t left = x0 < 0 ? (-x0 < s.f_w ? -x0 : s.f_w) : 0;
      const int32_t end = x0 + s.f_w < s.in_w ? x0 + s.f_w : s.in_w;
      const int32_t inside = end - (x0 + left) > 0 ? end - (x0 + left) : 0;
      if (left > 0) FillBytes(row, pad_value, left * s.in_c);
      if (inside > 0) CopyBytes(row + left * s.in_c, line + (x0 + left) * s.in_c, inside * s.in_c);
      const int32_t right = s.f_w - left - inside;
      if (right > 0) FillBytes(row + (left + inside) * s.in_c, pad_value, right * s.in_c);
      continue;
    }
    for (int32_t fx = 0; fx < s.f_w; ++fx) {
      const int32_t ix = x0 + d.dilation_w * fx;
      int8_t* dst = row + fx * s.in_c;
      if (ix < 0 || ix >= s.in_w) {
        FillBytes(dst, pad_value, s.in_c);
      } else {
        CopyBytes(dst, line + ix * s.in_c, s.in_c);
      }
    }
  }
}

bool Conv2DInt8Covers(const Conv2DShape& s) {
  return s.f_c == s.in_c;
}

size_t Conv2DInt8ScratchBytes(const Conv2DParams& d, const Conv2DShape& s) {
  if (!Conv2DInt8Covers(s)) return 0;
  const int32_t depth = Conv2DIsDirect1x1(d, s) ? s.in_c : s.f_h * s.f_w * s.in_c;
  // Widened rows need 4 bytes a value: 1x1 filters only those, others also two
  // im2col rows; else Im2colRows im2col rows.
  const bool widened = GemmS8WidenedScratchBytes(depth) > 0;
  uint64_t bytes = 0;
  if (Conv2DIsDirect1x1(d, s)) {
    bytes = widened ? uint64_t{4} * static_cast<uint64_t>(depth) : 0;
  } else {
    const int32_t rows = widened ? 6 : Im2colRows(depth);
    bytes = static_cast<uint64_t>(rows) * static_cast<uint64_t>(depth);
  }
  // Beyond size_t, a size RequestScratch refuses.
  return bytes > SIZE_MAX ? SIZE_MAX : static_cast<size_t>(bytes);
}

// The im2col rows of output pixels two at a time, each pair widened
// (GemmS8Widened): scratch holds the widened pair, then the two rows.
void Conv2DIm2colWidened(const Conv2DParams& d, const Conv2DShape& s, const int8_t* input,
                         const int8_t* filter, const GemmS8Output& q, int8_t* scratch,
                         int8_t* output) {
  const int32_t depth = s.f_h * s.f_w * s.in_c;
  const int8_t pad_value = static_cast<int8_t>(-d.input_offset);
  int8_t* const rows = scratch + GemmS8WidenedScratchBytes(depth);
  int32_t pending = 0;
  int8_t* out = output;
  for (int32_t b = 0; b < s.batches; ++b) {
    const int8_t* image = input + b * s.in_h * s.in_w * s.in_c;
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      for (int32_t ox = 0; ox < s.out_w; ++ox) {
        FillIm2colRow(d, s, image, oy, ox, pad_value, rows + pending * depth);
        if (++pending == 2) {
          GemmS8Widened(rows, depth, 2, filter, s.out_c, depth, q, scratch, out, s.out_c);
          out += 2 * s.out_c;
          pending = 0;
        }
      }
    }
  }
  if (pending > 0) GemmS8Widened(rows, depth, 1, filter, s.out_c, depth, q, scratch, out, s.out_c);
}

// The im2col rows of every output pixel, Im2colRows at a time, for each chunk
// of output channels in turn (one chunk unless there are more than
// kGemmS8ColumnChunk), so each chunk is folded once.
void Conv2DIm2col(const Conv2DParams& d, const Conv2DShape& s, const int8_t* input,
                  const int8_t* filter, const GemmS8Output& q, int8_t* scratch, int8_t* output) {
  const int32_t depth = s.f_h * s.f_w * s.in_c;
  const int32_t rows = Im2colRows(depth);
  const int8_t pad_value = static_cast<int8_t>(-d.input_offset);
  int32_t folded[kGemmS8ColumnChunk];
  for (int32_t c0 = 0; c0 < s.out_c; c0 += kGemmS8ColumnChunk) {
    const int32_t cols = s.out_c - c0 < kGemmS8ColumnChunk ? s.out_c - c0 : kGemmS8ColumnChunk;
    const GemmS8Output chunk = GemmS8Columns(q, c0);
    const int8_t* rhs = filter + c0 * depth;
    GemmS8FoldBias(rhs, cols, depth, q.input_offset, chunk.bias, folded);
    int32_t pending = 0;
    int8_t* out = output + c0;
    for (int32_t b = 0; b < s.batches; ++b) {
      const int8_t* image = input + b * s.in_h * s.in_w * s.in_c;
      for (int32_t oy = 0; oy < s.out_h; ++oy) {
        for (int32_t ox = 0; ox < s.out_w; ++ox) {
          FillIm2colRow(d, s, image, oy, ox, pad_value, scratch + pending * depth);
          if (++pending == rows) {
            GemmS8Folded(scratch, depth, pending, rhs, cols, depth, folded, chunk, out, s.out_c);
            out += pending * s.out_c;
            pending = 0;
          }
        }
      }
    }
    if (pending > 0) {
      GemmS8Folded(scratch, depth, pending, rhs, cols, depth, folded, chunk, out, s.out_c);
    }
  }
}

void Conv2DInt8(const Conv2DParams& d, const Conv2DShape& s, const int8_t* input,
                const int8_t* filter, const int32_t* bias, int8_t* scratch, int8_t* output) {
  if (!Conv2DInt8Covers(s)) {
    reference::Conv2DInt8(d, s, input, filter, bias, output);
    return;
  }
  const GemmS8Output q = GemmS8OutputOf(d, bias);
  if (!Conv2DIsDirect1x1(d, s)) {
    if (GemmS8WidenedScratchBytes(s.f_h * s.f_w * s.in_c) > 0) {
      Conv2DIm2colWidened(d, s, input, filter, q, scratch, output);
    } else {
      Conv2DIm2col(d, s, input, filter, q, scratch, output);
    }
    return;
  }
  // Widened rows where the build has the path (scratch was requested for it).
  const bool widened = GemmS8WidenedScratchBytes(s.in_c) > 0;
  if (d.stride_h == 1 && d.stride_w == 1) {
    const int32_t rows = s.batches * s.out_h * s.out_w;
    if (widened) {
      GemmS8Widened(input, s.in_c, rows, filter, s.out_c, s.in_c, q, scratch, output, s.out_c);
    } else if (s.out_c > kGemmS8ColumnChunk) {
      GemmS8(input, s.in_c, rows, filter, s.out_c, s.in_c, q, output, s.out_c);
    } else {
      // kDirectRows pixels at a time, so that the output may be planned over
      // the input rows already read (Conv2DInt8Pixels).
      int32_t folded[kGemmS8ColumnChunk];
      GemmS8FoldBias(filter, s.out_c, s.in_c, q.input_offset, q.bias, folded);
      for (int32_t r0 = 0; r0 < rows; r0 += kDirectRows) {
        const int32_t n = rows - r0 < kDirectRows ? rows - r0 : kDirectRows;
        GemmS8Folded(input + r0 * s.in_c, s.in_c, n, filter, s.out_c, s.in_c, folded, q,
                     output + r0 * s.out_c, s.out_c);
      }
    }
    return;
  }
  for (int32_t b = 0; b < s.batches; ++b) {
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      const int8_t* lhs = input + ((b * s.in_h + oy * d.stride_h) * s.in_w) * s.in_c;
      int8_t* out = output + ((b * s.out_h + oy) * s.out_w) * s.out_c;
      const int32_t stride = d.stride_w * s.in_c;
      if (widened) {
        GemmS8Widened(lhs, stride, s.out_w, filter, s.out_c, s.in_c, q, scratch, out, s.out_c);
      } else {
        GemmS8(lhs, stride, s.out_w, filter, s.out_c, s.in_c, q, out, s.out_c);
      }
    }
  }
}

int32_t Conv2DInt8Pixels(const Conv2DParams& d, const Conv2DShape& s) {
  if (!Conv2DInt8Covers(s)) return 1;
  if (!Conv2DIsDirect1x1(d, s)) {
    const int32_t depth = s.f_h * s.f_w * s.in_c;
    if (GemmS8WidenedScratchBytes(depth) > 0) return 2;
    // Conv2DIm2col walks the whole input once per chunk of columns.
    return s.out_c > kGemmS8ColumnChunk ? 0 : Im2colRows(depth);
  }
  if (d.stride_h != 1 || d.stride_w != 1) return s.out_w;
  if (GemmS8WidenedScratchBytes(s.in_c) > 0) return 2;
  return s.out_c > kGemmS8ColumnChunk ? 0 : kDirectRows;
}

namespace {

struct OptData {
  const Conv2DParams* params;
  int scratch_index;
};

}  // namespace

bool Conv2DOverlapWith(OpContext& ctx, WindowOverlap* out, Conv2DInt8PixelCount int8_pixels) {
  const Conv2DParams& d = *ctx.op_data_as<OptData>()->params;
  const int32_t pixels =
      d.kind == Conv2DKind::kInt8
          ? int8_pixels(d, Conv2DShapeOf(*ctx.input(0), *ctx.input(1), *ctx.output(0)))
          : 1;
  *out = {d.stride_h, d.pad_h, pixels, false};
  return pixels > 0;
}

bool Conv2DRowWindowOpt(OpContext& ctx, RowWindow* out) {
  return conv::FilterRowWindow(*ctx.op_data_as<OptData>()->params, *ctx.input(1), out);
}

bool Conv2DIsDirect1x1(const Conv2DParams& d, const Conv2DShape& s) {
  return s.f_h == 1 && s.f_w == 1 && d.pad_h == 0 && d.pad_w == 0;
}

Status PrepareConv2DOptimized(OpContext& ctx) {
  Conv2DParams* params = nullptr;
  MICROML_RETURN_IF_ERROR(PrepareConv2D(ctx, &params));
  OptData* data = ctx.AllocatePersistent<OptData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->params = params;
  data->scratch_index = -1;
  ctx.set_op_data(data);
  const Conv2DShape s = Conv2DShapeOf(*ctx.input(0), *ctx.input(1), *ctx.output(0));
  const size_t scratch_bytes =
      params->kind == Conv2DKind::kInt8 ? Conv2DInt8ScratchBytes(*params, s) : 0;
  if (scratch_bytes > 0) {
    MICROML_RETURN_IF_ERROR(ctx.RequestScratch(scratch_bytes, &data->scratch_index));
  }
  return Status::kOk;
}

Status EvalConv2DOptimized(OpContext& ctx, Conv2DInt8Compute int8, Conv2DFloatCompute float32) {
  const OptData& data = *ctx.op_data_as<OptData>();
  const Tensor& input = *ctx.input(0);
  const Tensor& filter = *ctx.input(1);
  const Tensor* bias = ctx.input(2);
  const Tensor& output = *ctx.output(0);
  if (data.params->kind == Conv2DKind::kFloat && float32 != nullptr) {
    float32(*data.params, Conv2DShapeOf(input, filter, output), input.data_as<const float>(),
            filter.data_as<const float>(), bias != nullptr ? bias->data_as<const float>() : nullptr,
            output.data_as<float>());
    return Status::kOk;
  }
  if (data.params->kind != Conv2DKind::kInt8) return reference::Conv2DEvalWith(ctx, *data.params);
  int8_t* scratch =
      data.scratch_index >= 0 ? static_cast<int8_t*>(ctx.scratch(data.scratch_index)) : nullptr;
  int8(*data.params, Conv2DShapeOf(input, filter, output), input.data_as<const int8_t>(),
       filter.data_as<const int8_t>(), bias != nullptr ? bias->data_as<const int32_t>() : nullptr,
       scratch, output.data_as<int8_t>());
  return Status::kOk;
}

namespace {

Status Eval(OpContext& ctx) {
  return EvalConv2DOptimized(ctx, &Conv2DInt8);
}

bool Overlap(OpContext& ctx, WindowOverlap* out) {
  return Conv2DOverlapWith(ctx, out, &Conv2DInt8Pixels);
}

}  // namespace
}  // namespace arm

const KernelRegistration kRegisterConv2DOpt = {static_cast<int32_t>(BuiltinOp::kCONV_2D),
                                               nullptr,
                                               8,
                                               arm::PrepareConv2DOptimized,
                                               arm::Eval,
                                               nullptr,
                                               "float32 int8 int8_int4 int16 int16_b32",
                                               0,
                                               arm::Overlap,
                                               arm::Conv2DRowWindowOpt};

}  // namespace microml
