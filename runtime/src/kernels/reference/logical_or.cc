// LOGICAL_OR: x || y on bool tensors, broadcasting (logical_binary.h).
#include "kernels/reference/logical_binary.h"
#include "microml/kernels.h"

namespace microml {

const KernelRegistration kRegisterLogicalOr = {static_cast<int32_t>(BuiltinOp::kLOGICAL_OR),
                                               nullptr,
                                               1,
                                               PrepareLogicalBinary,
                                               EvalLogicalBinary<false>,
                                               nullptr,
                                               "bool"};

}  // namespace microml
