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
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(PrepareUnaryShapes(ctx, &in, &out));
  const TensorType t = in->type;
  if (out->type != t ||
      !(t == TensorType::kFLOAT32 || t == TensorType::kINT8 || t == TensorType::kINT16)) {
    return ctx.FailUnsupportedTypes();
  }
  if (t == TensorType::kFLOAT32) return Status::kOk;
  Relu6Data* d = ctx.AllocatePersistent<Relu6Data>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  QuantParams qi;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), t, "input", &qi));
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

Status Relu6Eval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const uint32_t n = in.element_count();
  switch (in.type) {
    case TensorType::kFLOAT32: {
      const float* x = in.data_as<const float>();
      float* y = out.data_as<float>();
      for (uint32_t i = 0; i < n; ++i) y[i] = x[i] > 6.0f ? 6.0f : (x[i] < 0.0f ? 0.0f : x[i]);
      break;
    }
    case TensorType::kINT8:
      Relu6Quantized(*ctx.op_data_as<Relu6Data>(), in.data_as<const int8_t>(),
                     out.data_as<int8_t>(), n);
      break;
    default:
      Relu6Quantized(*ctx.op_data_as<Relu6Data>(), in.data_as<const int16_t>(),
                     out.data_as<int16_t>(), n);
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterRelu6 = {static_cast<int32_t>(BuiltinOp::kRELU6),
                                           nullptr,
                                           3,
                                           Relu6Prepare,
                                           Relu6Eval,
                                           nullptr,
                                           "float32 int8 int16"};

}  // namespace microml
