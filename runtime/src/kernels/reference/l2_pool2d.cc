// L2_POOL_2D (float32 only, as in TFLM): the square root of the mean square
// over each window's in-bounds pixels, then the fused activation clamp.
#include <cmath>

#include "kernels/activation.h"
#include "kernels/reference/pool_windows.h"
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
  struct SumSquares {
    float sum;
    int32_t count;
  };
  PoolEachWindow<float>(
      d, *ctx.input(0), *ctx.output(0), SumSquares{0.0f, 0},
      [](SumSquares& s, float v) {
        s.sum += v * v;
        ++s.count;
      },
      [&d](const SumSquares& s, const PoolWindow&) {
        return ClampFloat(std::sqrt(s.sum / static_cast<float>(s.count)), d.f_min, d.f_max);
      });
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
