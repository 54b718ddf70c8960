// LOGICAL_AND: x && y on bool tensors, broadcasting (logical_binary.h).
#include "kernels/reference/logical_binary.h"
#include "microml/kernels.h"

namespace microml {

const KernelRegistration kRegisterLogicalAnd = {static_cast<int32_t>(BuiltinOp::kLOGICAL_AND),
                                                nullptr,
                                                1,
                                                PrepareLogicalBinary,
                                                EvalLogicalBinary<true>,
                                                nullptr,
                                                "bool"};

}  // namespace microml
