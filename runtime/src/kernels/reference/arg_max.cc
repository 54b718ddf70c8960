// ARG_MAX: int32 index of the largest value along an axis, for float32 and int8
// inputs (arg_min_max.h).
#include "kernels/reference/arg_min_max.h"
#include "microml/kernels.h"

namespace microml {

const KernelRegistration kRegisterArgMax = {static_cast<int32_t>(BuiltinOp::kARG_MAX),
                                            nullptr,
                                            3,
                                            PrepareArgMinMax,
                                            EvalArgMinMax<true>,
                                            nullptr,
                                            "float32 int8"};

}  // namespace microml
