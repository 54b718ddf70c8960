// ARG_MIN: int32 index of the smallest value along an axis, for float32 and int8
// inputs (arg_min_max.h).
#include "kernels/reference/arg_min_max.h"
#include "microml/kernels.h"

namespace microml {

const KernelRegistration kRegisterArgMin = {static_cast<int32_t>(BuiltinOp::kARG_MIN),
                                            nullptr,
                                            3,
                                            PrepareArgMinMax,
                                            EvalArgMinMax<false>,
                                            nullptr,
                                            "float32 int8"};

}  // namespace microml
