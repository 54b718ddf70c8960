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
  return PrepareLogisticTanh(ctx, 1, false);
}

float TanhFloat(float x) {
  return std::tanh(x);
}

int8_t TanhQ4(int32_t q4) {
  return Clamp<int8_t>(RoundingDivideByPOT(fx::Tanh<4>(q4), 24), -128, 127);
}

int16_t TanhInt16(int32_t input) {
  // tanh(x) = 2 * sigmoid(2x) - 1: table steps are 2^8 input units apart.
  int32_t result = static_cast<int32_t>(SigmoidTableAt(Magnitude(input), 8, 0xFFFFu << 8));
  result = input >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
  return static_cast<int16_t>(result >> 8);
}

}  // namespace

const KernelRegistration kRegisterTanh = {
    static_cast<int32_t>(BuiltinOp::kTANH),
    nullptr,
    3,
    TanhPrepare,
    EvalActivation<SigmoidData, TanhFloat, SigmoidInt8<TanhQ4>, SigmoidInt16<TanhInt16>>,
    nullptr,
    "float32 int8 int16",
    0b1};

}  // namespace microml
