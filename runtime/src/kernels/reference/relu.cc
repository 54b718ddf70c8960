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
  TensorType t = TensorType::kFLOAT32;
  ReluData* d = nullptr;
  QuantParams qi, qo;
  MICROML_RETURN_IF_ERROR(PrepareActivation(ctx, &t, &d, &qi, &qo));
  if (d == nullptr) return Status::kOk;
  if (t == TensorType::kINT16) MICROML_RETURN_IF_ERROR(ExpectSymmetricInt16(ctx, qi, qo));
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

float ReluFloat(float x) {
  return x < 0.0f ? 0.0f : x;
}

}  // namespace

const KernelRegistration kRegisterRelu = {
    static_cast<int32_t>(BuiltinOp::kRELU),
    nullptr,
    3,
    ReluPrepare,
    EvalActivation<ReluData, ReluFloat, ReluQuantized<int8_t>, ReluQuantized<int16_t>>,
    nullptr,
    "float32 int8 int16",
    0b1};

}  // namespace microml
