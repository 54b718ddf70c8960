// SPACE_TO_BATCH_ND on NHWC (or NHC) float32 and int8 tensors: pads the
// spatial axes and moves block_h x block_w phases into the batch.
//
// Padding holds the value 0: raw 0 for float32 and the output zero point for
// int8 (TFLite's choice, and what newer TFLM sets). The TFLM release used as
// the oracle never initializes that pad value and fills padding with whatever
// its arena held, so padded outputs cannot be compared with it.
#include <string.h>

#include "kernels/reference/space_batch.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status CheckGeometry(OpContext& ctx, const Nhwc& in, const Nhwc& out, const BlockGeometry& g,
                     Status status) {
  MICROML_RETURN_IF_ERROR(CheckBlockRange(ctx, g, "paddings", status));
  const int64_t padded_h = static_cast<int64_t>(in.h) + g.before_h + g.after_h;
  const int64_t padded_w = static_cast<int64_t>(in.w) + g.before_w + g.after_w;
  const bool ok = padded_h % g.block_h == 0 && padded_w % g.block_w == 0 &&
                  out.h == padded_h / g.block_h && out.w == padded_w / g.block_w &&
                  out.n == static_cast<int64_t>(in.n) * g.block_h * g.block_w && out.c == in.c;
  return ok ? Status::kOk : FailShapeMismatch(ctx, in, out, g, status);
}

Status SpaceToBatchNdPrepare(OpContext& ctx) {
  return PrepareSpaceBatch(ctx, "paddings", CheckGeometry);
}

Status SpaceToBatchNdEval(OpContext& ctx) {
  BlockGeometry g;
  MICROML_RETURN_IF_ERROR(EvalGeometry(ctx, CheckGeometry, &g));
  const Tensor& in_t = *ctx.input(0);
  const Tensor& out_t = *ctx.output(0);
  const Nhwc in = AsNhwc(in_t);
  const Nhwc out = AsNhwc(out_t);
  const QuantizationRef quant = ctx.output_ref(0).quantization();
  const bool quantized = out_t.type == TensorType::kINT8 && quant.zero_point.size() > 0;
  const uint8_t pad = quantized ? static_cast<uint8_t>(quant.zero_point[0]) : 0;
  const size_t pixel = static_cast<size_t>(in.c) * TensorTypeSize(in_t.type);
  const uint8_t* src = in_t.data_as<const uint8_t>();
  uint8_t* dst = out_t.data_as<uint8_t>();
  if (pixel == 0) return Status::kOk;
  for (int32_t ob = 0; ob < out.n; ++ob) {
    const int32_t ib = ob % in.n;
    const int32_t phase = ob / in.n;
    const int32_t shift_h = phase / g.block_w;
    const int32_t shift_w = phase % g.block_w;
    for (int32_t oy = 0; oy < out.h; ++oy) {
      const int64_t y = static_cast<int64_t>(oy) * g.block_h + shift_h - g.before_h;
      for (int32_t ox = 0; ox < out.w; ++ox, dst += pixel) {
        const int64_t x = static_cast<int64_t>(ox) * g.block_w + shift_w - g.before_w;
        if (y < 0 || y >= in.h || x < 0 || x >= in.w) {
          memset(dst, pad, pixel);
        } else {
          const size_t offset = ((static_cast<size_t>(ib) * in.h + static_cast<size_t>(y)) * in.w +
                                 static_cast<size_t>(x)) *
                                pixel;
          memcpy(dst, src + offset, pixel);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSpaceToBatchNd = {
    static_cast<int32_t>(BuiltinOp::kSPACE_TO_BATCH_ND),
    nullptr,
    4,
    SpaceToBatchNdPrepare,
    SpaceToBatchNdEval,
    nullptr,
    "float32 int8"};

}  // namespace microml
