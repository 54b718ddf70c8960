// SQUARE: float32 only, as in TFLM.
#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

float Square(float x) {
  return x * x;
}

}  // namespace

const KernelRegistration kRegisterSquare = {static_cast<int32_t>(BuiltinOp::kSQUARE),
                                            nullptr,
                                            1,
                                            PrepareFloatUnary,
                                            EvalFloatUnary<Square>,
                                            nullptr,
                                            "float32"};

}  // namespace microml
