// LOGISTIC: float32 (TFLM's cut-off approximation), int8 (Q4 fixed point,
// output zero point -128) and int16 (sigmoid table interpolation).
#include <cmath>
#include <limits>

#include "kernels/fixed_point.h"
#include "kernels/quantization.h"
#include "kernels/reference/logistic_tanh.h"
#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status LogisticPrepare(OpContext& ctx) {
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(PrepareUnaryShapes(ctx, &in, &out));
  const TensorType t = in->type;
  if (out->type != t ||
      !(t == TensorType::kFLOAT32 || t == TensorType::kINT8 || t == TensorType::kINT16)) {
    return ctx.FailUnsupportedTypes();
  }
  if (t == TensorType::kFLOAT32) return Status::kOk;
  SigmoidData* d = ctx.AllocatePersistent<SigmoidData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  QuantParams qi, qo;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), t, "input", &qi));
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.output_ref(0), t, "output", &qo));
  if (t == TensorType::kINT16) return PrepareSigmoidInt16(ctx, qi, qo, 0, d);
  if (qo.zero_point != -128) {
    return ctx.Fail(Status::kUnsupported, "int8 output zero point must be -128, is %d",
                    static_cast<int>(qo.zero_point));
  }
  return PrepareSigmoidInt8(ctx, qi, d);
}

float LogisticFloat(float x) {
  if (x > 16.619047164916992188f) return 1.0f;
  if (x < -9.0f) return std::exp(x);
  return 1.0f / (1.0f + std::exp(-x));
}

void LogisticInt8(const SigmoidData& d, const int8_t* x, int8_t* y, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    const int32_t input = static_cast<int32_t>(x[i]) - d.input_zero_point;
    if (input <= -d.input_range_radius) {
      y[i] = -128;
    } else if (input >= d.input_range_radius) {
      y[i] = 127;
    } else {
      const int32_t q4 = MultiplyByQuantizedMultiplier(input, d.input_multiplier, d.input_shift);
      const int32_t q0 = fx::Logistic<4>(q4);
      y[i] = Clamp<int8_t>(RoundingDivideByPOT(q0, 23) - 128, -128, 127);
    }
  }
}

void LogisticInt16(const SigmoidData& d, const int16_t* x, int16_t* y, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    const int32_t input = SigmoidInt16Input(d, x[i]);
    // Table steps are 2^9 input units apart (1/24 in real terms).
    const uint32_t magnitude = Magnitude(input);
    const uint32_t index = magnitude >> 9;
    uint32_t result;
    if (index >= 255) {
      result = 0x7FFFu << 10;
    } else {
      const uint32_t a = kSigmoidTable[index];
      const uint32_t b = kSigmoidTable[index + 1];
      result = (a << 9) + (magnitude & 0x1FF) * (b - a);
    }
    result = input >= 0 ? result + (1u << 9) : (1u << 25) - result + (1u << 9) - 1;
    y[i] = static_cast<int16_t>(result >> 10);
  }
}

Status LogisticEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const uint32_t n = in.element_count();
  switch (in.type) {
    case TensorType::kFLOAT32: {
      const float* x = in.data_as<const float>();
      float* y = out.data_as<float>();
      for (uint32_t i = 0; i < n; ++i) y[i] = LogisticFloat(x[i]);
      break;
    }
    case TensorType::kINT8:
      LogisticInt8(*ctx.op_data_as<SigmoidData>(), in.data_as<const int8_t>(),
                   out.data_as<int8_t>(), n);
      break;
    default:
      LogisticInt16(*ctx.op_data_as<SigmoidData>(), in.data_as<const int16_t>(),
                    out.data_as<int16_t>(), n);
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterLogistic = {static_cast<int32_t>(BuiltinOp::kLOGISTIC),
                                              nullptr,
                                              3,
                                              LogisticPrepare,
                                              LogisticEval,
                                              nullptr,
                                              "float32 int8 int16"};

}  // namespace microml
