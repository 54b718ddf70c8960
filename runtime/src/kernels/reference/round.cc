// ROUND: float32 only, half to even (TensorFlow's tf.round), as in TFLM.
#include <cmath>

#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

float RoundHalfToEven(float x) {
  const float floor_x = std::floor(x);
  const float diff = x - floor_x;
  // A difference of exactly 0.5 implies |x| < 2^23, so floor_x fits an int.
  if (diff < 0.5f || (diff == 0.5f && static_cast<int32_t>(floor_x) % 2 == 0)) return floor_x;
  return floor_x + 1.0f;
}

}  // namespace

const KernelRegistration kRegisterRound = {
    static_cast<int32_t>(BuiltinOp::kROUND), nullptr, 1,        PrepareFloatUnary,
    EvalFloatUnary<RoundHalfToEven>,         nullptr, "float32"};

}  // namespace microml
