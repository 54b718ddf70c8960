// Tensor hand-over between an operator and the subgraphs it calls (IF,
// WHILE). TFLM copies bytes between caller and callee tensors; every pair must
// agree on type and size, which TFLM only checks (in part) while running and
// microml checks at prepare, so eval copies without further tests.
#ifndef MICROML_KERNELS_REFERENCE_CONTROL_FLOW_H_
#define MICROML_KERNELS_REFERENCE_CONTROL_FLOW_H_

#include <string.h>

#include "microml/kernel.h"

namespace microml {

// `from` and `to` (either may be nullptr for a missing tensor) must have the
// same type and byte size, and `to` must be writable.
inline Status CheckHandOver(OpContext& ctx, const Tensor* from, const Tensor* to,
                            const char* from_what, const char* to_what, uint32_t i) {
  if (from == nullptr || to == nullptr) {
    return ctx.Fail(Status::kInvalidModel, "%s %u or %s %u is missing", from_what,
                    static_cast<unsigned>(i), to_what, static_cast<unsigned>(i));
  }
  if (from->type != to->type || from->bytes != to->bytes) {
    return ctx.Fail(Status::kInvalidModel,
                    "%s %u (%s, %u bytes) does not match %s %u (%s, %u bytes)", from_what,
                    static_cast<unsigned>(i), TensorTypeName(from->type),
                    static_cast<unsigned>(from->bytes), to_what, static_cast<unsigned>(i),
                    TensorTypeName(to->type), static_cast<unsigned>(to->bytes));
  }
  if (to->is_constant()) {
    return ctx.Fail(Status::kInvalidModel, "%s %u is constant and cannot receive data", to_what,
                    static_cast<unsigned>(i));
  }
  return Status::kOk;
}

inline void HandOver(const Tensor& from, const Tensor& to) {
  if (from.data != to.data && to.bytes > 0) memmove(to.data, from.data, to.bytes);
}

// Byte 0 of a BOOL tensor, as TFLM reads a condition.
inline bool ConditionValue(const Tensor& t) {
  return *static_cast<const uint8_t*>(t.data) != 0;
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_CONTROL_FLOW_H_
