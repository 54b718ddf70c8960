// RELU: float32, and int8/int16 requantized from the input to the output scale
// (int16 symmetric), clamped below at the output zero point.
#include <limits>

#include "kernels/quantization.h"
#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct ReluData {
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t multiplier;
  int32_t shift;
  int32_t act_min;
};

Status ReluPrepare(OpContext& ctx) {
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(PrepareUnaryShapes(ctx, &in, &out));
  const TensorType t = in->type;
  if (out->type != t ||
      !(t == TensorType::kFLOAT32 || t == TensorType::kINT8 || t == TensorType::kINT16)) {
    return ctx.FailUnsupportedTypes();
  }
  if (t == TensorType::kFLOAT32) return Status::kOk;
  ReluData* d = ctx.AllocatePersistent<ReluData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  QuantParams qi, qo;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), t, "input", &qi));
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.output_ref(0), t, "output", &qo));
  if (t == TensorType::kINT16 && (qi.zero_point != 0 || qo.zero_point != 0)) {
    return ctx.Fail(Status::kUnsupported, "int16 needs zero points 0, has %d (input), %d (output)",
                    static_cast<int>(qi.zero_point), static_cast<int>(qo.zero_point));
  }
  int shift = 0;
  QuantizeMultiplier(static_cast<double>(qi.scale) / static_cast<double>(qo.scale), &d->multiplier,
                     &shift);
  if (shift > 31) {
    return ctx.Fail(Status::kUnsupported, "input/output scale ratio 2^%d is too large", shift);
  }
  d->shift = shift;
  d->input_zero_point = qi.zero_point;
  d->output_zero_point = qo.zero_point;
  const int32_t type_min = t == TensorType::kINT8 ? -128 : -32768;
  d->act_min = qo.zero_point > type_min ? qo.zero_point : type_min;
  return Status::kOk;
}

template <typename T>
void ReluQuantized(const ReluData& d, const T* x, T* y, uint32_t n) {
  const int32_t hi = std::numeric_limits<T>::max();
  for (uint32_t i = 0; i < n; ++i) {
    const int32_t v = d.output_zero_point +
                      MultiplyByQuantizedMultiplier(static_cast<int32_t>(x[i]) - d.input_zero_point,
                                                    d.multiplier, d.shift);
    y[i] = Clamp<T>(v, d.act_min, hi);
  }
}

Status ReluEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const uint32_t n = in.element_count();
  switch (in.type) {
    case TensorType::kFLOAT32: {
      const float* x = in.data_as<const float>();
      float* y = out.data_as<float>();
      for (uint32_t i = 0; i < n; ++i) y[i] = x[i] < 0.0f ? 0.0f : x[i];
      break;
    }
    case TensorType::kINT8:
      ReluQuantized(*ctx.op_data_as<ReluData>(), in.data_as<const int8_t>(), out.data_as<int8_t>(),
                    n);
      break;
    default:
      ReluQuantized(*ctx.op_data_as<ReluData>(), in.data_as<const int16_t>(),
                    out.data_as<int16_t>(), n);
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterRelu = {static_cast<int32_t>(BuiltinOp::kRELU),
                                          nullptr,
                                          3,
                                          ReluPrepare,
                                          ReluEval,
                                          nullptr,
                                          "float32 int8 int16"};

}  // namespace microml
