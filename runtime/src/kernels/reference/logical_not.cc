// LOGICAL_NOT: bool -> bool.
#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status LogicalNotPrepare(OpContext& ctx) {
  Tensor *in, *out;
  return PrepareUnarySameType(ctx, TensorType::kBOOL, &in, &out);
}

// Any nonzero byte counts as true, so a malformed input still yields 0 or 1.
Status LogicalNotEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const uint8_t* x = in.data_as<const uint8_t>();
  uint8_t* y = ctx.output(0)->data_as<uint8_t>();
  const uint32_t n = in.element_count();
  for (uint32_t i = 0; i < n; ++i) y[i] = x[i] == 0 ? 1 : 0;
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterLogicalNot = {static_cast<int32_t>(BuiltinOp::kLOGICAL_NOT),
                                                nullptr,
                                                1,
                                                LogicalNotPrepare,
                                                LogicalNotEval,
                                                nullptr,
                                                "bool"};

}  // namespace microml
