// L2_POOL_2D (float32 only, as in TFLM): the square root of the mean square
// over each window's in-bounds pixels, then the fused activation clamp.
#include <cmath>

#include "kernels/activation.h"
#include "kernels/prepare/pooling.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status L2PoolPrepare(OpContext& ctx) {
  const Tensor* in = ctx.input(0);
  if (in != nullptr && in->type != TensorType::kFLOAT32) return ctx.FailUnsupportedTypes();
  PoolData* data = nullptr;
  return PreparePool(ctx, &data);
}

Status L2PoolEval(OpContext& ctx) {
  const PoolData& d = *ctx.op_data_as<PoolData>();
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const int32_t in_h = in.dims[1], in_w = in.dims[2], depth = in.dims[3];
  const float* src = in.data_as<const float>();
  float* dst = out.data_as<float>();
  for (int32_t b = 0; b < out.dims[0]; ++b) {
    const float* image = src + static_cast<size_t>(b) * in_h * in_w * depth;
    for (int32_t oy = 0; oy < out.dims[1]; ++oy) {
      for (int32_t ox = 0; ox < out.dims[2]; ++ox) {
        const PoolWindow w = WindowAt(d, in_h, in_w, oy, ox);
        for (int32_t c = 0; c < depth; ++c) {
          float sum_squares = 0.0f;
          int32_t count = 0;
          for (int32_t y = w.y0; y < w.y1; ++y) {
            for (int32_t x = w.x0; x < w.x1; ++x) {
              const float v = image[(static_cast<size_t>(y) * in_w + x) * depth + c];
              sum_squares += v * v;
              ++count;
            }
          }
          const float l2 = std::sqrt(sum_squares / static_cast<float>(count));
          *dst++ = ClampFloat(l2, d.f_min, d.f_max);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterL2Pool2D = {static_cast<int32_t>(BuiltinOp::kL2_POOL_2D),
                                              nullptr,
                                              1,
                                              L2PoolPrepare,
                                              L2PoolEval,
                                              nullptr,
                                              "float32"};

}  // namespace microml
