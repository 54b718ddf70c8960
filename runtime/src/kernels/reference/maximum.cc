// MAXIMUM: float32, int8, int16, int32 and int64, broadcasting (maximum_minimum.h).
#include "kernels/reference/maximum_minimum.h"
#include "microml/kernels.h"

namespace microml {

const KernelRegistration kRegisterMaximum = {static_cast<int32_t>(BuiltinOp::kMAXIMUM),
                                             nullptr,
                                             4,
                                             PrepareMaximumMinimum,
                                             EvalMaximumMinimum<true>,
                                             nullptr,
                                             "float32 int8 int16 int32 int64"};

}  // namespace microml
