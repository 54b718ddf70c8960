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
  return PrepareLogisticTanh(ctx, 0, true);
}

float LogisticFloat(float x) {
  if (x > 16.619047164916992188f) return 1.0f;
  if (x < -9.0f) return std::exp(x);
  return 1.0f / (1.0f + std::exp(-x));
}

int8_t LogisticQ4(int32_t q4) {
  return Clamp<int8_t>(RoundingDivideByPOT(fx::Logistic<4>(q4), 23) - 128, -128, 127);
}

int16_t LogisticInt16(int32_t input) {
  // Table steps are 2^9 input units apart (1/24 in real terms).
  uint32_t result = SigmoidTableAt(Magnitude(input), 9, 0x7FFFu << 10);
  result = input >= 0 ? result + (1u << 9) : (1u << 25) - result + (1u << 9) - 1;
  return static_cast<int16_t>(result >> 10);
}

}  // namespace

const KernelRegistration kRegisterLogistic = {
    static_cast<int32_t>(BuiltinOp::kLOGISTIC),
    nullptr,
    3,
    LogisticPrepare,
    EvalActivation<SigmoidData, LogisticFloat, SigmoidInt8<LogisticQ4>,
                   SigmoidInt16<LogisticInt16>>,
    nullptr,
    "float32 int8 int16",
    0b1};

}  // namespace microml
