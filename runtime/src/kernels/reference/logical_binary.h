// Prepare and eval shared by LOGICAL_AND and LOGICAL_OR: bool inputs and
// output with numpy broadcasting up to 8 dimensions. TFLM reads any input as
// bool without checking its type; we accept bool only.
#ifndef MICROML_KERNELS_REFERENCE_LOGICAL_BINARY_H_
#define MICROML_KERNELS_REFERENCE_LOGICAL_BINARY_H_

#include <stdint.h>

#include "kernels/reference/broadcast.h"
#include "kernels/reference/op_checks.h"
#include "microml/kernel.h"

namespace microml {

inline Status PrepareLogicalBinary(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *a, *b, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &a));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &b));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (a->type != TensorType::kBOOL || b->type != TensorType::kBOOL ||
      out->type != TensorType::kBOOL) {
    return ctx.FailUnsupportedTypes();
  }
  return CheckBroadcastShapes(ctx, *a, *b, *out);
}

// Any nonzero byte counts as true, so malformed inputs still yield 0 or 1.
template <bool kAnd>
Status EvalLogicalBinary(OpContext& ctx) {
  BroadcastBinary<uint8_t, uint8_t>(*ctx.input(0), *ctx.input(1), *ctx.output(0),
                                    [](uint8_t x, uint8_t y) -> uint8_t {
                                      return kAnd ? (x != 0 && y != 0) : (x != 0 || y != 0);
                                    });
  return Status::kOk;
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_LOGICAL_BINARY_H_
