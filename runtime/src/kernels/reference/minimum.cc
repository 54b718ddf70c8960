// MINIMUM: float32, int8, int16, int32 and int64, broadcasting (maximum_minimum.h).
#include "kernels/reference/maximum_minimum.h"
#include "microml/kernels.h"

namespace microml {

const KernelRegistration kRegisterMinimum = {static_cast<int32_t>(BuiltinOp::kMINIMUM),
                                             nullptr,
                                             4,
                                             PrepareMaximumMinimum,
                                             EvalMaximumMinimum<false>,
                                             nullptr,
                                             "float32 int8 int16 int32 int64"};

}  // namespace microml
