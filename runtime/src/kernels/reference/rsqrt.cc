// RSQRT: float32; int8 and int16 (symmetric) through a fixed-point inverse
// square root of each input value, rescaled by 1 / (sqrt(input scale) * output
// scale). As in TFLM, a quantized input below its zero point fails at eval.
#include <cmath>
#include <limits>

#include "kernels/fixed_point.h"
#include "kernels/quantization.h"
#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// The inverse square root is first formed as an integer scaled by 2^20.
constexpr int kIntermediateShift = 20;

struct RsqrtData {
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t multiplier;
  int32_t shift;
};

Status RsqrtPrepare(OpContext& ctx) {
  TensorType t = TensorType::kFLOAT32;
  RsqrtData* d = nullptr;
  QuantParams qi, qo;
  MICROML_RETURN_IF_ERROR(PrepareActivation(ctx, &t, &d, &qi, &qo));
  if (d == nullptr) return Status::kOk;
  if (t == TensorType::kINT16) MICROML_RETURN_IF_ERROR(ExpectSymmetricInt16(ctx, qi, qo));
  int shift = 0;
  QuantizeMultiplier(
      1.0 / (std::sqrt(static_cast<double>(qi.scale)) * static_cast<double>(qo.scale)),
      &d->multiplier, &shift);
  shift -= kIntermediateShift;
  if (shift < -31 || shift > 31) {
    return ctx.Fail(Status::kUnsupported,
                    "rescale exponent %d outside [-31, 31]: input or output scale out of range",
                    shift);
  }
  d->shift = shift;
  d->input_zero_point = qi.zero_point;
  d->output_zero_point = qo.zero_point;
  return Status::kOk;
}

template <typename T>
Status RsqrtQuantized(OpContext& ctx, const RsqrtData& d, const T* x, T* y, uint32_t n) {
  const int32_t lo = std::numeric_limits<T>::min();
  const int32_t hi = std::numeric_limits<T>::max();
  for (uint32_t i = 0; i < n; ++i) {
    const int32_t value = static_cast<int32_t>(x[i]) - d.input_zero_point;
    if (value < 0) {
      return ctx.Fail(Status::kInvalidArgument,
                      "input element %u is %d, below the zero point %d: rsqrt is undefined",
                      static_cast<unsigned>(i), static_cast<int>(x[i]),
                      static_cast<int>(d.input_zero_point));
    }
    if (value == 0) {
      y[i] = static_cast<T>(hi);
      continue;
    }
    int32_t inv_multiplier = 0;
    int inv_shift = 0;
    fx::InvSqrtMultiplier(value, &inv_multiplier, &inv_shift);
    const int32_t scaled = MultiplyByQuantizedMultiplier(static_cast<int32_t>(1), inv_multiplier,
                                                         inv_shift + kIntermediateShift);
    y[i] = Clamp<T>(
        MultiplyByQuantizedMultiplier(scaled, d.multiplier, d.shift) + d.output_zero_point, lo, hi);
  }
  return Status::kOk;
}

Status RsqrtEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const uint32_t n = in.element_count();
  switch (in.type) {
    case TensorType::kFLOAT32: {
      const float* x = in.data_as<const float>();
      float* y = out.data_as<float>();
      for (uint32_t i = 0; i < n; ++i) y[i] = 1.0f / std::sqrt(x[i]);
      return Status::kOk;
    }
    case TensorType::kINT8:
      return RsqrtQuantized(ctx, *ctx.op_data_as<RsqrtData>(), in.data_as<const int8_t>(),
                            out.data_as<int8_t>(), n);
    default:
      return RsqrtQuantized(ctx, *ctx.op_data_as<RsqrtData>(), in.data_as<const int16_t>(),
                            out.data_as<int16_t>(), n);
  }
}

}  // namespace

const KernelRegistration kRegisterRsqrt = {static_cast<int32_t>(BuiltinOp::kRSQRT),
                                           nullptr,
                                           3,
                                           RsqrtPrepare,
                                           RsqrtEval,
                                           nullptr,
                                           "float32 int8 int16"};

}  // namespace microml
