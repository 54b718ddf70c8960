// AVERAGE_POOL_2D over NHWC tensors: float32, int8, int16.
#include "kernels/reference/pool_windows.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// Integer average rounded half away from zero, as TFLM does.
template <typename T>
void AveragePoolQuantized(const PoolData& d, const Tensor& in, const Tensor& out) {
  PoolEachWindow<T>(
      d, in, out, int32_t{0}, [](int32_t& acc, T v) { acc += v; },
      [&d](int32_t acc, const PoolWindow& w) {
        const int32_t count = (w.y1 - w.y0) * (w.x1 - w.x0);
        acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
        acc = acc < d.act_min ? d.act_min : acc;
        acc = acc > d.act_max ? d.act_max : acc;
        return static_cast<T>(acc);
      });
}

}  // namespace

namespace reference {

void AveragePool2DFloat(const PoolData& d, const Tensor& in, const Tensor& out) {
  // The count is summed in float too, as TFLM does.
  struct Sum {
    float total;
    float count;
  };
  PoolEachWindow<float>(
      d, in, out, Sum{0.0f, 0.0f},
      [](Sum& s, float v) {
        s.total += v;
        s.count += 1.0f;
      },
      [&d](const Sum& s, const PoolWindow&) {
        const float avg = s.total / s.count;
        const float lo = avg < d.f_min ? d.f_min : avg;
        return d.f_max < lo ? d.f_max : lo;
      });
}

void AveragePool2DInt8(const PoolData& d, const Tensor& in, const Tensor& out) {
  AveragePoolQuantized<int8_t>(d, in, out);
}

void AveragePool2DInt16(const PoolData& d, const Tensor& in, const Tensor& out) {
  AveragePoolQuantized<int16_t>(d, in, out);
}

}  // namespace reference

const KernelRegistration kRegisterAveragePool2D = {
    static_cast<int32_t>(BuiltinOp::kAVERAGE_POOL_2D),
    nullptr,
    3,
    PoolPrepare,
    EvalPool<reference::AveragePool2DFloat, reference::AveragePool2DInt8,
             reference::AveragePool2DInt16>,
    nullptr,
    "float32 int8 int16",
    0,
    PoolOverlap,
    PoolRowWindow};

}  // namespace microml
