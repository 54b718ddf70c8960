// EQUAL: x == y on float32, int8 (rescaled), int32, int64 and bool (comparison.h).
#include "kernels/reference/comparison.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr uint32_t kTypes = TypeBit(TensorType::kFLOAT32) | TypeBit(TensorType::kINT8) |
                            TypeBit(TensorType::kINT32) | TypeBit(TensorType::kINT64) |
                            TypeBit(TensorType::kBOOL);

}  // namespace

const KernelRegistration kRegisterEqual = {static_cast<int32_t>(BuiltinOp::kEQUAL),
                                           nullptr,
                                           5,
                                           PrepareComparison<kTypes>,
                                           EvalComparison<Comparison::kEqual>,
                                           nullptr,
                                           "float32 int8 int32 int64 bool"};

}  // namespace microml
