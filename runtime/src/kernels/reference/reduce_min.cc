// REDUCE_MIN: float32, and int8 with identical input and output quantization
// (reduce.h).
#include "kernels/reference/reduce.h"
#include "microml/kernels.h"

namespace microml {

const KernelRegistration kRegisterReduceMin = {static_cast<int32_t>(BuiltinOp::kREDUCE_MIN),
                                               nullptr,
                                               3,
                                               PrepareMaxOrMin,
                                               EvalMaxOrMin<false>,
                                               nullptr,
                                               "float32 int8"};

}  // namespace microml
