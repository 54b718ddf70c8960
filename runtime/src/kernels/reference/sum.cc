// SUM: float32, and int8/int16 whose raw int32 sum is rescaled once (TFLM's
// QuantizedMeanOrSum), over inputs of up to 5 dimensions (reduce.h).
#include "kernels/reference/reduce.h"
#include "microml/kernels.h"

namespace microml {

const KernelRegistration kRegisterSum = {static_cast<int32_t>(BuiltinOp::kSUM),
                                         nullptr,
                                         2,
                                         PrepareMeanOrSum,
                                         EvalMeanOrSum<false>,
                                         nullptr,
                                         "float32 int8 int16"};

}  // namespace microml
