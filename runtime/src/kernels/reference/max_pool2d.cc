// MAX_POOL_2D over NHWC tensors: float32, int8, int16.
#include <limits>

#include "kernels/reference/pool_windows.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// `lo`/`hi` are the clamp range in T; max and clamp use TFLM's comparison
// order so that float NaNs propagate identically.
template <typename T>
void MaxPool(const PoolData& d, const Tensor& in, const Tensor& out, T lo, T hi) {
  PoolEachWindow<T>(
      d, in, out, std::numeric_limits<T>::lowest(), [](T& m, T v) { m = m < v ? v : m; },
      [lo, hi](T m, const PoolWindow&) {
        m = m < lo ? lo : m;
        return hi < m ? hi : m;
      });
}

Status MaxPoolEval(OpContext& ctx) {
  const PoolData& d = *ctx.op_data_as<PoolData>();
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  switch (in.type) {
    case TensorType::kFLOAT32:
      reference::MaxPool2DFloat(d, in, out);
      break;
    case TensorType::kINT8:
      reference::MaxPool2DInt8(d, in, out);
      break;
    default:
      reference::MaxPool2DInt16(d, in, out);
      break;
  }
  return Status::kOk;
}

}  // namespace

namespace reference {

void MaxPool2DFloat(const PoolData& d, const Tensor& in, const Tensor& out) {
  MaxPool<float>(d, in, out, d.f_min, d.f_max);
}

void MaxPool2DInt8(const PoolData& d, const Tensor& in, const Tensor& out) {
  MaxPool<int8_t>(d, in, out, static_cast<int8_t>(d.act_min), static_cast<int8_t>(d.act_max));
}

void MaxPool2DInt16(const PoolData& d, const Tensor& in, const Tensor& out) {
  MaxPool<int16_t>(d, in, out, static_cast<int16_t>(d.act_min), static_cast<int16_t>(d.act_max));
}

}  // namespace reference

const KernelRegistration kRegisterMaxPool2D = {static_cast<int32_t>(BuiltinOp::kMAX_POOL_2D),
                                               nullptr,
                                               3,
                                               PoolPrepare,
                                               MaxPoolEval,
                                               nullptr,
                                               "float32 int8 int16"};

}  // namespace microml
