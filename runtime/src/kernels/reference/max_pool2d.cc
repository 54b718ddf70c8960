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

const KernelRegistration kRegisterMaxPool2D = {
    static_cast<int32_t>(BuiltinOp::kMAX_POOL_2D),
    nullptr,
    3,
    PoolPrepare,
    EvalPool<reference::MaxPool2DFloat, reference::MaxPool2DInt8, reference::MaxPool2DInt16>,
    nullptr,
    "float32 int8 int16",
    0,
    PoolOverlap,
    PoolRowWindow};

}  // namespace microml
