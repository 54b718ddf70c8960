// Prepare and eval pieces shared by the one-input, one-output elementwise
// kernels (ABS, SIN, LOGISTIC, CAST, ...).
#ifndef MICROML_KERNELS_REFERENCE_UNARY_H_
#define MICROML_KERNELS_REFERENCE_UNARY_H_

#include <stdint.h>

#include "kernels/reference/op_checks.h"
#include "microml/kernel.h"

namespace microml {

// One input and one output of the same shape (types are the caller's business).
inline Status PrepareUnaryShapes(OpContext& ctx, Tensor** in, Tensor** out) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, out));
  if (!SameShape(**in, **out)) {
    return ctx.Fail(Status::kInvalidModel,
                    "output shape (rank %d, %u elements) differs from input shape (rank %d, %u "
                    "elements)",
                    (*out)->rank, static_cast<unsigned>((*out)->element_count()), (*in)->rank,
                    static_cast<unsigned>((*in)->element_count()));
  }
  return Status::kOk;
}

// As PrepareUnaryShapes, and both tensors of type `type`.
inline Status PrepareUnarySameType(OpContext& ctx, TensorType type, Tensor** in, Tensor** out) {
  MICROML_RETURN_IF_ERROR(PrepareUnaryShapes(ctx, in, out));
  if ((*in)->type != type || (*out)->type != type) return ctx.FailUnsupportedTypes();
  return Status::kOk;
}

inline Status PrepareFloatUnary(OpContext& ctx) {
  Tensor *in, *out;
  return PrepareUnarySameType(ctx, TensorType::kFLOAT32, &in, &out);
}

// out[i] = f(in[i]) over float32 tensors.
template <float (*F)(float)>
Status EvalFloatUnary(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const float* x = in.data_as<const float>();
  float* y = ctx.output(0)->data_as<float>();
  const uint32_t n = in.element_count();
  for (uint32_t i = 0; i < n; ++i) y[i] = F(x[i]);
  return Status::kOk;
}

// Whether the model gives the tensor quantization parameters, the condition
// under which TFLM treats it as quantized.
inline bool HasQuantization(const TensorRef& ref) {
  const QuantizationRef q = ref.quantization();
  return q.scale.size() > 0 && q.zero_point.size() > 0;
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_UNARY_H_
