// Helpers shared by the elementwise, shape and pooling reference kernels:
// prepare-time validation (each check returns kOk or records a failure naming
// the offending numbers) and wrap-around integer arithmetic.
#ifndef MICROML_KERNELS_REFERENCE_OP_CHECKS_H_
#define MICROML_KERNELS_REFERENCE_OP_CHECKS_H_

#include <stdint.h>
#include <string.h>

#include <cmath>

#include "kernels/quantization.h"
#include "microml/kernel.h"

namespace microml {

struct QuantParams {
  float scale = 0.0f;
  int32_t zero_point = 0;
};

// The option table when the operator carries the expected kind, else an absent
// table so every read falls back to the schema default (as TFLM does).
inline TableRef OptionsAs(const OpContext& ctx, OptionsType expected) {
  return ctx.options_type() == expected ? ctx.options() : TableRef();
}

inline bool IsOneOf(TensorType t, TensorType a, TensorType b) {
  return t == a || t == b;
}

// Range a zero point must lie in for a tensor of `type`.
inline bool ZeroPointRange(TensorType type, int64_t* lo, int64_t* hi) {
  switch (type) {
    case TensorType::kINT8:
      *lo = -128;
      *hi = 127;
      return true;
    case TensorType::kUINT8:
      *lo = 0;
      *hi = 255;
      return true;
    case TensorType::kINT16:
      *lo = -32768;
      *hi = 32767;
      return true;
    case TensorType::kINT32:
      *lo = INT32_MIN;
      *hi = INT32_MAX;
      return true;
    default:
      return false;
  }
}

// Single scale and zero point of a per-tensor quantized tensor.
inline Status GetPerTensorQuant(OpContext& ctx, const TensorRef& ref, TensorType type,
                                const char* what, QuantParams* q) {
  const QuantizationRef quant = ref.quantization();
  if (quant.scale.size() != 1 || quant.zero_point.size() != 1) {
    return ctx.Fail(Status::kUnsupported, "%s needs one scale and one zero point, has %u and %u",
                    what, static_cast<unsigned>(quant.scale.size()),
                    static_cast<unsigned>(quant.zero_point.size()));
  }
  const float scale = quant.scale[0];
  if (!(scale > 0.0f) || !std::isfinite(scale)) {
    uint32_t bits = 0;
    memcpy(&bits, &scale, sizeof(bits));
    return ctx.Fail(Status::kInvalidModel, "%s scale (float bits 0x%x) is not positive and finite",
                    what, static_cast<unsigned>(bits));
  }
  const int64_t zp = quant.zero_point[0];
  int64_t lo = 0, hi = 0;
  if (!ZeroPointRange(type, &lo, &hi) || zp < lo || zp > hi) {
    return ctx.Fail(Status::kInvalidModel, "%s zero point %lld outside [%lld, %lld] of %s", what,
                    static_cast<long long>(zp), static_cast<long long>(lo),
                    static_cast<long long>(hi), TensorTypeName(type));
  }
  q->scale = scale;
  q->zero_point = static_cast<int32_t>(zp);
  return Status::kOk;
}

// Two's-complement wrap-around: what TFLM's overflowing int32 arithmetic does
// in practice, without the undefined behaviour. WrapAdd is the name the
// elementwise kernels know WrappingAdd by.
inline int32_t WrapAdd(int32_t a, int32_t b) {
  return WrappingAdd(a, b);
}

inline int32_t WrapSub(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
}

inline bool SameShape(const Tensor& a, const Tensor& b) {
  if (a.rank != b.rank) return false;
  for (int i = 0; i < a.rank; ++i) {
    if (a.dims[i] != b.dims[i]) return false;
  }
  return true;
}

// A shape such as [0, -3] holds no elements yet would derail size arithmetic.
inline Status CheckDims(OpContext& ctx, const Tensor& t, const char* what, int i) {
  for (int d = 0; d < t.rank; ++d) {
    if (t.dims[d] < 0) {
      return ctx.Fail(Status::kInvalidModel, "%s %d has negative dimension %d (%d)", what, i, d,
                      static_cast<int>(t.dims[d]));
    }
  }
  return Status::kOk;
}

// Fetches input/output `i`, failing when the model omits it.
inline Status RequireInput(OpContext& ctx, int i, Tensor** t) {
  *t = ctx.input(i);
  if (*t == nullptr) return ctx.Fail(Status::kInvalidModel, "input %d is missing", i);
  return CheckDims(ctx, **t, "input", i);
}

inline Status RequireOutput(OpContext& ctx, int i, Tensor** t) {
  *t = ctx.output(i);
  if (*t == nullptr) return ctx.Fail(Status::kInvalidModel, "output %d is missing", i);
  return CheckDims(ctx, **t, "output", i);
}

inline Status ExpectCounts(OpContext& ctx, int min_inputs, int max_inputs, int outputs) {
  if (ctx.num_inputs() < min_inputs || ctx.num_inputs() > max_inputs) {
    return ctx.Fail(Status::kInvalidModel, "has %d inputs, expected %d to %d", ctx.num_inputs(),
                    min_inputs, max_inputs);
  }
  if (ctx.num_outputs() != outputs) {
    return ctx.Fail(Status::kInvalidModel, "has %d outputs, expected %d", ctx.num_outputs(),
                    outputs);
  }
  return Status::kOk;
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_OP_CHECKS_H_
