// SPLIT into equal parts along a constant axis (inputs: axis, data).
#include "kernels/reference/split_along_axis.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status SplitPrepare(OpContext& ctx) {
  if (ctx.num_inputs() != 2) {
    return ctx.Fail(Status::kInvalidModel, "has %d inputs, expected 2", ctx.num_inputs());
  }
  return PrepareSplit(ctx, /*input_index=*/1, /*axis_index=*/0, /*equal_parts=*/true);
}

}  // namespace

const KernelRegistration kRegisterSplit = {static_cast<int32_t>(BuiltinOp::kSPLIT),
                                           nullptr,
                                           4,
                                           SplitPrepare,
                                           EvalSplit,
                                           nullptr,
                                           "float32 int8 int16 int32"};

}  // namespace microml
