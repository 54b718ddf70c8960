// EXP: float32 only, as in TFLM.
#include <cmath>

#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

float Exp(float x) {
  return std::exp(x);
}

}  // namespace

const KernelRegistration kRegisterExp = {static_cast<int32_t>(BuiltinOp::kEXP),
                                         nullptr,
                                         2,
                                         PrepareFloatUnary,
                                         EvalFloatUnary<Exp>,
                                         nullptr,
                                         "float32"};

}  // namespace microml
