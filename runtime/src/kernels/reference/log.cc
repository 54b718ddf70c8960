// LOG: float32 only, as in TFLM.
#include <cmath>

#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

float Log(float x) {
  return std::log(x);
}

}  // namespace

const KernelRegistration kRegisterLog = {static_cast<int32_t>(BuiltinOp::kLOG),
                                         nullptr,
                                         2,
                                         PrepareFloatUnary,
                                         EvalFloatUnary<Log>,
                                         nullptr,
                                         "float32"};

}  // namespace microml
