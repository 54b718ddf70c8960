// The small integer tensors that steer the shape operators (axes, begin/size
// vectors, block shapes, paddings, permutations, index lists): typed reads
// widened to int64 and the checks every such operator repeats.
#ifndef MICROML_KERNELS_REFERENCE_INDEX_TENSOR_H_
#define MICROML_KERNELS_REFERENCE_INDEX_TENSOR_H_

#include <stdint.h>

#include "kernels/reference/op_checks.h"
#include "microml/kernel.h"

namespace microml {

inline bool IsIndexType(TensorType t) {
  return t == TensorType::kINT32 || t == TensorType::kINT64;
}

// Element i of an int32 or int64 tensor.
inline int64_t IndexAt(const Tensor& t, uint32_t i) {
  if (t.type == TensorType::kINT64) return t.data_as<const int64_t>()[i];
  return t.data_as<const int32_t>()[i];
}

// Maps an axis in [-rank, rank) onto [0, rank); false when it lies outside.
inline bool NormalizeAxis(int64_t axis, int rank, int* out) {
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return false;
  *out = static_cast<int>(axis);
  return true;
}

// A tensor whose values prepare must read: constant and of an allowed type.
inline Status RequireConstIndex(OpContext& ctx, const Tensor& t, const char* what,
                                bool allow_int64) {
  const bool type_ok =
      t.type == TensorType::kINT32 || (allow_int64 && t.type == TensorType::kINT64);
  if (!type_ok) {
    return ctx.Fail(Status::kUnsupported, "%s tensor has type %s, expected int32%s", what,
                    TensorTypeName(t.type), allow_int64 ? " or int64" : "");
  }
  if (!t.is_constant()) {
    return ctx.Fail(Status::kUnsupported, "%s tensor must be constant", what);
  }
  return Status::kOk;
}

inline bool HasDims(const Tensor& t, const int32_t* dims, int rank) {
  if (t.rank != rank) return false;
  for (int i = 0; i < rank; ++i) {
    if (t.dims[i] != dims[i]) return false;
  }
  return true;
}

// "[2,3,4]" (cut short when it does not fit).
inline void ShapeText(const int32_t* dims, int rank, char* out, size_t size) {
  size_t n = FormatTextF(out, size, "[");
  for (int i = 0; i < rank && n < size; ++i) {
    n += FormatTextF(out + n, size - n, i == 0 ? "%d" : ",%d", static_cast<int>(dims[i]));
  }
  if (n < size) FormatTextF(out + n, size - n, "]");
}

// Fails unless `t` has exactly the shape the operator computes.
inline Status ExpectShape(OpContext& ctx, const Tensor& t, const char* what, const int32_t* dims,
                          int rank) {
  if (HasDims(t, dims, rank)) return Status::kOk;
  char have[48], want[48];
  ShapeText(t.dims, t.rank, have, sizeof(have));
  ShapeText(dims, rank, want, sizeof(want));
  return ctx.Fail(Status::kInvalidModel, "%s shape %s, the operator gives %s", what, have, want);
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_INDEX_TENSOR_H_
