// REDUCE_MAX: float32, and int8 with identical input and output quantization
// (reduce.h).
#include "kernels/reference/reduce.h"
#include "microml/kernels.h"

namespace microml {

const KernelRegistration kRegisterReduceMax = {static_cast<int32_t>(BuiltinOp::kREDUCE_MAX),
                                               nullptr,
                                               3,
                                               PrepareMaxOrMin,
                                               EvalMaxOrMin<true>,
                                               nullptr,
                                               "float32 int8"};

}  // namespace microml
