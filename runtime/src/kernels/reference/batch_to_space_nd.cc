// BATCH_TO_SPACE_ND on NHWC (or NHC) float32 and int8 tensors: moves
// block_h x block_w batch phases back into the spatial axes and crops.
#include <string.h>

#include "kernels/reference/space_batch.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status CheckGeometry(OpContext& ctx, const Nhwc& in, const Nhwc& out, const BlockGeometry& g,
                     Status status) {
  MICROML_RETURN_IF_ERROR(CheckBlockRange(ctx, g, "crops", status));
  const int64_t blocks = static_cast<int64_t>(g.block_h) * g.block_w;
  const int64_t full_h = static_cast<int64_t>(in.h) * g.block_h;
  const int64_t full_w = static_cast<int64_t>(in.w) * g.block_w;
  const bool ok = in.n % blocks == 0 && out.n == in.n / blocks &&
                  out.h == full_h - g.before_h - g.after_h &&
                  out.w == full_w - g.before_w - g.after_w && out.c == in.c;
  return ok ? Status::kOk : FailShapeMismatch(ctx, in, out, g, status);
}

Status BatchToSpaceNdPrepare(OpContext& ctx) {
  return PrepareSpaceBatch(ctx, "crops", CheckGeometry);
}

Status BatchToSpaceNdEval(OpContext& ctx) {
  BlockGeometry g;
  MICROML_RETURN_IF_ERROR(EvalGeometry(ctx, CheckGeometry, &g));
  const Tensor& in_t = *ctx.input(0);
  const Tensor& out_t = *ctx.output(0);
  const Nhwc in = AsNhwc(in_t);
  const Nhwc out = AsNhwc(out_t);
  const size_t pixel = static_cast<size_t>(in.c) * TensorTypeSize(in_t.type);
  if (pixel == 0 || out.n == 0) return Status::kOk;
  const uint8_t* src = in_t.data_as<const uint8_t>();
  uint8_t* dst = out_t.data_as<uint8_t>();
  for (int32_t ib = 0; ib < in.n; ++ib) {
    const int32_t ob = ib % out.n;
    const int32_t phase = ib / out.n;
    for (int32_t iy = 0; iy < in.h; ++iy) {
      const int64_t y = static_cast<int64_t>(iy) * g.block_h + phase / g.block_w - g.before_h;
      if (y < 0 || y >= out.h) continue;
      for (int32_t ix = 0; ix < in.w; ++ix) {
        const int64_t x = static_cast<int64_t>(ix) * g.block_w + phase % g.block_w - g.before_w;
        if (x < 0 || x >= out.w) continue;
        const size_t from = ((static_cast<size_t>(ib) * in.h + static_cast<size_t>(iy)) * in.w +
                             static_cast<size_t>(ix)) *
                            pixel;
        const size_t to = ((static_cast<size_t>(ob) * out.h + static_cast<size_t>(y)) * out.w +
                           static_cast<size_t>(x)) *
                          pixel;
        memcpy(dst + to, src + from, pixel);
      }
    }
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterBatchToSpaceNd = {
    static_cast<int32_t>(BuiltinOp::kBATCH_TO_SPACE_ND),
    nullptr,
    4,
    BatchToSpaceNdPrepare,
    BatchToSpaceNdEval,
    nullptr,
    "float32 int8"};

}  // namespace microml
