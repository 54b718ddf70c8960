// RELU6: float32, and int8/int16 clamped to [zero point, quantized 6] of the
// INPUT; like TFLM, the output's quantization is not consulted.
#include <cmath>

#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct Relu6Data {
  int32_t zero;
  int32_t six;
};

Status Relu6Prepare(OpContext& ctx) {
  TensorType t = TensorType::kFLOAT32;
  Relu6Data* d = nullptr;
  QuantParams qi;
  MICROML_RETURN_IF_ERROR(PrepareActivation(ctx, &t, &d, &qi, nullptr));
  if (d == nullptr) return Status::kOk;
  const double lo = t == TensorType::kINT8 ? -128.0 : -32768.0;
  const double hi = t == TensorType::kINT8 ? 127.0 : 32767.0;
  // round(6 / scale) is formed in float as in TFLM, then saturated to the type.
  double six = std::round(static_cast<double>(6.0f / qi.scale)) + qi.zero_point;
  six = six < lo ? lo : (six > hi ? hi : six);
  d->zero = qi.zero_point;
  d->six = static_cast<int32_t>(six);
  return Status::kOk;
}

template <typename T>
void Relu6Quantized(const Relu6Data& d, const T* x, T* y, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    const int32_t v = x[i];
    y[i] = static_cast<T>(v > d.six ? d.six : (v < d.zero ? d.zero : v));
  }
}

float Relu6Float(float x) {
  return x > 6.0f ? 6.0f : (x < 0.0f ? 0.0f : x);
}

}  // namespace

const KernelRegistration kRegisterRelu6 = {
    static_cast<int32_t>(BuiltinOp::kRELU6),
    nullptr,
    3,
    Relu6Prepare,
    EvalActivation<Relu6Data, Relu6Float, Relu6Quantized<int8_t>, Relu6Quantized<int16_t>>,
    nullptr,
    "float32 int8 int16",
    0b1};

}  // namespace microml
