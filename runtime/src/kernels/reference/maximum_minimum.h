// Prepare and eval shared by MAXIMUM and MINIMUM: float32, int8, int16, int32
// and int64 with numpy broadcasting up to 8 dimensions. As in TFLM, quantized
// values are compared raw: the quantization parameters are not consulted.
#ifndef MICROML_KERNELS_REFERENCE_MAXIMUM_MINIMUM_H_
#define MICROML_KERNELS_REFERENCE_MAXIMUM_MINIMUM_H_

#include <stdint.h>

#include "kernels/reference/broadcast.h"
#include "kernels/reference/op_checks.h"
#include "microml/kernel.h"

namespace microml {

inline Status PrepareMaximumMinimum(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *a, *b, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &a));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &b));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType t = out->type;
  if (a->type != t || b->type != t ||
      !(t == TensorType::kFLOAT32 || t == TensorType::kINT8 || t == TensorType::kINT16 ||
        t == TensorType::kINT32 || t == TensorType::kINT64)) {
    return ctx.FailUnsupportedTypes();
  }
  return CheckBroadcastShapes(ctx, *a, *b, *out);
}

// TFLM's element choice, which also fixes what a NaN operand yields.
template <bool kMaximum, typename T>
T PickMaximumMinimum(T x, T y) {
  if (kMaximum) return x > y ? x : y;
  return x < y ? x : y;
}

template <bool kMaximum>
Status EvalMaximumMinimum(OpContext& ctx) {
  const Tensor& a = *ctx.input(0);
  const Tensor& b = *ctx.input(1);
  const Tensor& out = *ctx.output(0);
  switch (out.type) {
    case TensorType::kFLOAT32:
      BroadcastBinary<float, float>(a, b, out, PickMaximumMinimum<kMaximum, float>);
      break;
    case TensorType::kINT8:
      BroadcastBinary<int8_t, int8_t>(a, b, out, PickMaximumMinimum<kMaximum, int8_t>);
      break;
    case TensorType::kINT16:
      BroadcastBinary<int16_t, int16_t>(a, b, out, PickMaximumMinimum<kMaximum, int16_t>);
      break;
    case TensorType::kINT32:
      BroadcastBinary<int32_t, int32_t>(a, b, out, PickMaximumMinimum<kMaximum, int32_t>);
      break;
    default:
      BroadcastBinary<int64_t, int64_t>(a, b, out, PickMaximumMinimum<kMaximum, int64_t>);
      break;
  }
  return Status::kOk;
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_MAXIMUM_MINIMUM_H_
