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

// The opening of the float32/int8/int16 activations' prepare (RELU, RELU6,
// RSQRT, LOGISTIC, TANH; ELU and HARD_SWISH with kInt16 false, as they take no
// int16): same-shaped input and output of one of those types. For int8 and
// int16 it allocates their op data D and reads the per-tensor quantization of
// the input and, when `qo` is given, of the output; for float32 `*data` is null.
template <typename D, bool kInt16 = true>
Status PrepareActivation(OpContext& ctx, TensorType* type, D** data, QuantParams* qi,
                         QuantParams* qo) {
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(PrepareUnaryShapes(ctx, &in, &out));
  const TensorType t = in->type;
  if (out->type != t || !(t == TensorType::kFLOAT32 || t == TensorType::kINT8 ||
                          (kInt16 && t == TensorType::kINT16))) {
    return ctx.FailUnsupportedTypes();
  }
  *type = t;
  *data = nullptr;
  if (t == TensorType::kFLOAT32) return Status::kOk;
  D* d = ctx.AllocatePersistent<D>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  *data = d;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), t, "input", qi));
  if (qo == nullptr) return Status::kOk;
  return GetPerTensorQuant(ctx, ctx.output_ref(0), t, "output", qo);
}

// int16 activations are symmetric in TFLM.
inline Status ExpectSymmetricInt16(OpContext& ctx, const QuantParams& qi, const QuantParams& qo) {
  if (qi.zero_point != 0 || qo.zero_point != 0) {
    return ctx.Fail(Status::kUnsupported, "int16 needs zero points 0, has %d (input), %d (output)",
                    static_cast<int>(qi.zero_point), static_cast<int>(qo.zero_point));
  }
  return Status::kOk;
}

// Eval of an activation prepared by PrepareActivation: F on each float32
// value, or the integer kernel with the op data D.
template <typename D, float (*F)(float), void (*Int8)(const D&, const int8_t*, int8_t*, uint32_t),
          void (*Int16)(const D&, const int16_t*, int16_t*, uint32_t)>
Status EvalActivation(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const uint32_t n = in.element_count();
  switch (in.type) {
    case TensorType::kFLOAT32:
      return EvalFloatUnary<F>(ctx);
    case TensorType::kINT8:
      Int8(*ctx.op_data_as<D>(), in.data_as<const int8_t>(), out.data_as<int8_t>(), n);
      break;
    default:
      Int16(*ctx.op_data_as<D>(), in.data_as<const int16_t>(), out.data_as<int16_t>(), n);
      break;
  }
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
