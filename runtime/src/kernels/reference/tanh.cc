// TANH: float32, int8 (Q4 fixed point, output on 1/128 around zero point 0)
// and int16 (sigmoid table interpolation).
#include <cmath>
#include <limits>

#include "kernels/fixed_point.h"
#include "kernels/quantization.h"
#include "kernels/reference/logistic_tanh.h"
#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status TanhPrepare(OpContext& ctx) {
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
  if (t == TensorType::kINT16) return PrepareSigmoidInt16(ctx, qi, qo, 1, d);
  return PrepareSigmoidInt8(ctx, qi, d);
}

void TanhInt8(const SigmoidData& d, const int8_t* x, int8_t* y, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    const int32_t input = static_cast<int32_t>(x[i]) - d.input_zero_point;
    if (input <= -d.input_range_radius) {
      y[i] = -128;
    } else if (input >= d.input_range_radius) {
      y[i] = 127;
    } else {
      const int32_t q4 = MultiplyByQuantizedMultiplier(input, d.input_multiplier, d.input_shift);
      y[i] = Clamp<int8_t>(RoundingDivideByPOT(fx::Tanh<4>(q4), 24), -128, 127);
    }
  }
}

void TanhInt16(const SigmoidData& d, const int16_t* x, int16_t* y, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    const int32_t input = SigmoidInt16Input(d, x[i]);
    // tanh(x) = 2 * sigmoid(2x) - 1: table steps are 2^8 input units apart.
    const uint32_t magnitude = Magnitude(input);
    const uint32_t index = magnitude >> 8;
    int32_t result;
    if (index >= 255) {
      result = 0xFFFF << 8;
    } else {
      const uint32_t a = kSigmoidTable[index];
      const uint32_t b = kSigmoidTable[index + 1];
      result = static_cast<int32_t>((a << 8) + (magnitude & 0xFF) * (b - a));
    }
    result = input >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
    y[i] = static_cast<int16_t>(result >> 8);
  }
}

Status TanhEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const uint32_t n = in.element_count();
  switch (in.type) {
    case TensorType::kFLOAT32: {
      const float* x = in.data_as<const float>();
      float* y = out.data_as<float>();
      for (uint32_t i = 0; i < n; ++i) y[i] = std::tanh(x[i]);
      break;
    }
    case TensorType::kINT8:
      TanhInt8(*ctx.op_data_as<SigmoidData>(), in.data_as<const int8_t>(), out.data_as<int8_t>(),
               n);
      break;
    default:
      TanhInt16(*ctx.op_data_as<SigmoidData>(), in.data_as<const int16_t>(), out.data_as<int16_t>(),
                n);
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterTanh = {static_cast<int32_t>(BuiltinOp::kTANH),
                                          nullptr,
                                          3,
                                          TanhPrepare,
                                          TanhEval,
                                          nullptr,
                                          "float32 int8 int16"};

}  // namespace microml
