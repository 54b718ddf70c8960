// NOT_EQUAL: x != y on float32, int8 (rescaled), int32, int64 and bool (comparison.h).
#include "kernels/reference/comparison.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr uint32_t kTypes = TypeBit(TensorType::kFLOAT32) | TypeBit(TensorType::kINT8) |
                            TypeBit(TensorType::kINT32) | TypeBit(TensorType::kINT64) |
                            TypeBit(TensorType::kBOOL);

}  // namespace

const KernelRegistration kRegisterNotEqual = {static_cast<int32_t>(BuiltinOp::kNOT_EQUAL),
                                              nullptr,
                                              4,
                                              PrepareComparison<kTypes>,
                                              EvalComparison<Comparison::kNotEqual>,
                                              nullptr,
                                              "float32 int8 int32 int64 bool"};

}  // namespace microml
