// ADD: float32, int32 and per-tensor quantized int8/int16, with numpy
// broadcasting up to 8 dimensions. Matches TFLM's reference kernel: int16
// always takes the general rescaling path (pot_scale_int16 is ignored) and
// int32 ignores the fused activation.
#include "kernels/prepare/add.h"

#include "microml/kernels.h"

namespace microml {

namespace reference {

void AddFloat(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  ElementwiseBinary<float, float>(
      d, a, b, out, [&d](float x, float y) { return ClampMinMax(x + y, d.f_min, d.f_max); });
}

void AddInt32(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  ElementwiseBinary<int32_t, int32_t>(d, a, b, out, WrapAdd);
}

void AddInt8(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  ElementwiseBinary<int8_t, int8_t>(
      d, a, b, out, [&d](int8_t x, int8_t y) { return ArithQuantized<int8_t, false>(d, x, y); });
}

void AddInt16(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  ElementwiseBinary<int16_t, int16_t>(
      d, a, b, out, [&d](int16_t x, int16_t y) { return ArithQuantized<int16_t, false>(d, x, y); });
}

}  // namespace reference

const KernelRegistration kRegisterAdd = {
    static_cast<int32_t>(BuiltinOp::kADD),
    nullptr,
    5,
    AddPrepare,
    EvalArith<reference::AddFloat, reference::AddInt32, reference::AddInt8, reference::AddInt16>,
    nullptr,
    "float32 int8 int16 int32",
    0b11};

}  // namespace microml
