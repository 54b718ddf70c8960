// LESS_EQUAL: x <= y on float32, int8 (rescaled), int32 and int64 (comparison.h).
#include "kernels/reference/comparison.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr uint32_t kTypes = TypeBit(TensorType::kFLOAT32) | TypeBit(TensorType::kINT8) |
                            TypeBit(TensorType::kINT32) | TypeBit(TensorType::kINT64);

}  // namespace

const KernelRegistration kRegisterLessEqual = {static_cast<int32_t>(BuiltinOp::kLESS_EQUAL),
                                               nullptr,
                                               2,
                                               PrepareComparison<kTypes>,
                                               EvalComparison<Comparison::kLessEqual>,
                                               nullptr,
                                               "float32 int8 int32 int64"};

}  // namespace microml
