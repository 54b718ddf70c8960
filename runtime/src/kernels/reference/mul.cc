// MUL: float32, int32 and per-tensor quantized int8/int16 (int16 symmetric),
// with numpy broadcasting up to 8 dimensions. As TFLM's reference kernel, the
// quantized product of the offset inputs is rescaled once by
// scale_a * scale_b / scale_out, and int32 honours the fused activation.
#include "kernels/prepare/mul.h"

#include "microml/kernels.h"

namespace microml {

namespace {

template <typename T>
T MulQuantized(const ArithData& d, T x, T y) {
  // |offset inputs| <= 2^16, so the product fits int32.
  const int32_t product = (d.offset_a + x) * (d.offset_b + y);
  const int32_t v =
      WrapAdd(MultiplyByQuantizedMultiplier(product, d.mult_out, d.shift_out), d.offset_out);
  return static_cast<T>(ClampMinMax(v, d.act_min, d.act_max));
}

int32_t WrapMul(int32_t x, int32_t y) {
  return static_cast<int32_t>(static_cast<uint32_t>(x) * static_cast<uint32_t>(y));
}

}  // namespace

namespace reference {

void MulFloat(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  ElementwiseBinary<float, float>(
      d, a, b, out, [&d](float x, float y) { return ClampMinMax(x * y, d.f_min, d.f_max); });
}

void MulInt32(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  ElementwiseBinary<int32_t, int32_t>(d, a, b, out, [&d](int32_t x, int32_t y) {
    return ClampMinMax(WrapMul(x, y), d.act_min, d.act_max);
  });
}

void MulInt8(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  ElementwiseBinary<int8_t, int8_t>(
      d, a, b, out, [&d](int8_t x, int8_t y) { return MulQuantized<int8_t>(d, x, y); });
}

void MulInt16(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  ElementwiseBinary<int16_t, int16_t>(
      d, a, b, out, [&d](int16_t x, int16_t y) { return MulQuantized<int16_t>(d, x, y); });
}

}  // namespace reference

const KernelRegistration kRegisterMul = {
    static_cast<int32_t>(BuiltinOp::kMUL),
    nullptr,
    7,
    MulPrepare,
    EvalArith<reference::MulFloat, reference::MulInt32, reference::MulInt8, reference::MulInt16>,
    nullptr,
    "float32 int32 int8 int16"};

}  // namespace microml
