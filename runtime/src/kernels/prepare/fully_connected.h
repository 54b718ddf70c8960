// Shared prepare of FULLY_CONNECTED (each run of `depth` input values times the
// [units, depth] weights, DEFAULT weights format only, plus an optional bias per
// unit) and its reference computes.
#ifndef MICROML_KERNELS_PREPARE_FULLY_CONNECTED_H_
#define MICROML_KERNELS_PREPARE_FULLY_CONNECTED_H_

#include <stdint.h>

#include "kernels/conv_common.h"
#include "microml/kernel.h"

namespace microml {

enum class FullyConnectedKind : uint8_t { kFloat, kInt8, kInt8Int4, kInt16Bias32, kInt16Bias64 };

struct FullyConnectedParams : conv::QuantParams {
  int32_t batches;
  int32_t depth;
  int32_t units;
  FullyConnectedKind kind;
};

// Validates the operator and allocates its FullyConnectedParams as the op data.
Status PrepareFullyConnected(OpContext& ctx, FullyConnectedParams** out);

// The prepare of the reference registration.
Status FullyConnectedPrepare(OpContext& ctx);

namespace reference {

void FullyConnectedFloat(const FullyConnectedParams& d, const float* input, const float* filter,
                         const float* bias, float* output);
void FullyConnectedInt8(const FullyConnectedParams& d, const int8_t* input, const int8_t* filter,
                        const int32_t* bias, int8_t* output);
// Filter of packed signed 4-bit values, two a byte, the first in the low nibble.
void FullyConnectedInt8Int4(const FullyConnectedParams& d, const int8_t* input,
                            const uint8_t* filter, const int32_t* bias, int8_t* output);
void FullyConnectedInt16(const FullyConnectedParams& d, const int16_t* input, const int8_t* filter,
                         const int32_t* bias, int16_t* output);
// Without bias too (TFLM's 64-bit accumulator).
void FullyConnectedInt16Bias64(const FullyConnectedParams& d, const int16_t* input,
                               const int8_t* filter, const int64_t* bias, int16_t* output);

// Runs whichever compute the prepared kind calls for.
Status FullyConnectedEval(OpContext& ctx);
// The same with the params given (for registrations whose op data holds more).
Status FullyConnectedEvalWith(OpContext& ctx, const FullyConnectedParams& d);

}  // namespace reference

}  // namespace microml

#endif  // MICROML_KERNELS_PREPARE_FULLY_CONNECTED_H_
