// SPLIT_V into parts of the outputs' sizes along a constant axis (inputs:
// data, size_splits, axis). Like TFLM, size_splits is not read: the output
// shapes decide.
#include "kernels/reference/split_along_axis.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status SplitVPrepare(OpContext& ctx) {
  if (ctx.num_inputs() != 3) {
    return ctx.Fail(Status::kInvalidModel, "has %d inputs, expected 3", ctx.num_inputs());
  }
  return PrepareSplit(ctx, /*input_index=*/0, /*axis_index=*/2, /*equal_parts=*/false);
}

}  // namespace

const KernelRegistration kRegisterSplitV = {static_cast<int32_t>(BuiltinOp::kSPLIT_V),
                                            nullptr,
                                            2,
                                            SplitVPrepare,
                                            EvalSplit,
                                            nullptr,
                                            "float32 int8 int16 int32"};

}  // namespace microml
