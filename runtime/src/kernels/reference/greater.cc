// GREATER: x > y on float32, int8 (rescaled), int32 and int64 (comparison.h).
// TFLM's kernel also takes int16, but its prepare leaves the int16 rescale
// parameters at zero, so every comparison yields false; we refuse int16
// rather than reproduce that.
#include "kernels/reference/comparison.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr uint32_t kTypes = TypeBit(TensorType::kFLOAT32) | TypeBit(TensorType::kINT8) |
                            TypeBit(TensorType::kINT32) | TypeBit(TensorType::kINT64);

}  // namespace

const KernelRegistration kRegisterGreater = {static_cast<int32_t>(BuiltinOp::kGREATER),
                                             nullptr,
                                             2,
                                             PrepareComparison<kTypes>,
                                             EvalComparison<Comparison::kGreater>,
                                             nullptr,
                                             "float32 int8 int32 int64"};

}  // namespace microml
