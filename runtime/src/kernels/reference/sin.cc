// SIN: float32 only, as in TFLM.
#include <cmath>

#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

float Sin(float x) {
  return std::sin(x);
}

}  // namespace

const KernelRegistration kRegisterSin = {static_cast<int32_t>(BuiltinOp::kSIN),
                                         nullptr,
                                         1,
                                         PrepareFloatUnary,
                                         EvalFloatUnary<Sin>,
                                         nullptr,
                                         "float32"};

}  // namespace microml
