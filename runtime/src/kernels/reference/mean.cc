// MEAN: float32, and int8/int16 whose raw int32 sum is rescaled once with 1/n
// folded into the multiplier (TFLM's QuantizedMeanOrSum), over inputs of up to
// 5 dimensions (reduce.h). TFLM's float special case for 4D inputs reduced
// over axes 1 and 2 adds in the same order as its general path, so one path
// serves both.
#include "kernels/reference/reduce.h"
#include "microml/kernels.h"

namespace microml {

const KernelRegistration kRegisterMean = {static_cast<int32_t>(BuiltinOp::kMEAN),
                                          nullptr,
                                          3,
                                          PrepareMeanOrSum,
                                          EvalMeanOrSum<true>,
                                          nullptr,
                                          "float32 int8 int16"};

}  // namespace microml
