// SQRT: float32 only, as in TFLM.
#include <cmath>

#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

float Sqrt(float x) {
  return std::sqrt(x);
}

}  // namespace

const KernelRegistration kRegisterSqrt = {static_cast<int32_t>(BuiltinOp::kSQRT),
                                          nullptr,
                                          1,
                                          PrepareFloatUnary,
                                          EvalFloatUnary<Sqrt>,
                                          nullptr,
                                          "float32"};

}  // namespace microml
