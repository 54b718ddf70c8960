// NEG: float32 only, as in TFLM.
#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

float Negate(float x) {
  return -x;
}

}  // namespace

const KernelRegistration kRegisterNeg = {static_cast<int32_t>(BuiltinOp::kNEG),
                                         nullptr,
                                         1,
                                         PrepareFloatUnary,
                                         EvalFloatUnary<Negate>,
                                         nullptr,
                                         "float32"};

}  // namespace microml
