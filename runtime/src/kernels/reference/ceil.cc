// CEIL: float32 only, as in TFLM.
#include <cmath>

#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

float Ceil(float x) {
  return std::ceil(x);
}

}  // namespace

const KernelRegistration kRegisterCeil = {static_cast<int32_t>(BuiltinOp::kCEIL),
                                          nullptr,
                                          1,
                                          PrepareFloatUnary,
                                          EvalFloatUnary<Ceil>,
                                          nullptr,
                                          "float32"};

}  // namespace microml
