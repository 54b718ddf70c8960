// COS: float32 only, as in TFLM.
#include <cmath>

#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

float Cos(float x) {
  return std::cos(x);
}

}  // namespace

const KernelRegistration kRegisterCos = {static_cast<int32_t>(BuiltinOp::kCOS),
                                         nullptr,
                                         1,
                                         PrepareFloatUnary,
                                         EvalFloatUnary<Cos>,
                                         nullptr,
                                         "float32"};

}  // namespace microml
