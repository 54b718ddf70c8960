// FLOOR: float32 only, as in TFLM.
#include <cmath>

#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

float Floor(float x) {
  return std::floor(x);
}

}  // namespace

const KernelRegistration kRegisterFloor = {static_cast<int32_t>(BuiltinOp::kFLOOR),
                                           nullptr,
                                           1,
                                           PrepareFloatUnary,
                                           EvalFloatUnary<Floor>,
                                           nullptr,
                                           "float32"};

}  // namespace microml
