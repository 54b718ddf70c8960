// SUB: float32, int32 and per-tensor quantized int8/int16, with numpy
// broadcasting up to 8 dimensions. Unlike ADD, TFLM applies the fused
// activation to int32 results.
#include "kernels/reference/arithmetic.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status SubPrepare(OpContext& ctx) {
  ArithSetup s;
  MICROML_RETURN_IF_ERROR(PrepareArithActivation(ctx, OptionsType::kSubOptions, true, &s));
  if (s.type != TensorType::kINT8 && s.type != TensorType::kINT16) return Status::kOk;
  return FinishArithQuant(ctx, s);
}

void SubFloat(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  ElementwiseBinary<float, float>(
      d, a, b, out, [&d](float x, float y) { return ClampMinMax(x - y, d.f_min, d.f_max); });
}

void SubInt32(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  ElementwiseBinary<int32_t, int32_t>(d, a, b, out, [&d](int32_t x, int32_t y) {
    return ClampMinMax(WrapSub(x, y), d.act_min, d.act_max);
  });
}

void SubInt8(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  ElementwiseBinary<int8_t, int8_t>(
      d, a, b, out, [&d](int8_t x, int8_t y) { return ArithQuantized<int8_t, true>(d, x, y); });
}

void SubInt16(const ArithData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  ElementwiseBinary<int16_t, int16_t>(
      d, a, b, out, [&d](int16_t x, int16_t y) { return ArithQuantized<int16_t, true>(d, x, y); });
}

}  // namespace

const KernelRegistration kRegisterSub = {static_cast<int32_t>(BuiltinOp::kSUB),
                                         nullptr,
                                         5,
                                         SubPrepare,
                                         EvalArith<SubFloat, SubInt32, SubInt8, SubInt16>,
                                         nullptr,
                                         "float32 int8 int16 int32"};

}  // namespace microml
