// BROADCAST_ARGS: the broadcast of two int32 or int64 shape vectors. Like
// TFLM, the output's length decides how many trailing dimensions are written
// (missing ones count as 1); shapes that do not broadcast fail the invocation.
#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// Dimension i counted from the end of shape vector t, 1 past its start. TFLM
// handles every value as an int, so int64 values are truncated the same way.
int32_t FromEnd(const Tensor& t, int32_t i) {
  if (i >= t.dims[0]) return 1;
  return static_cast<int32_t>(IndexAt(t, static_cast<uint32_t>(t.dims[0] - 1 - i)));
}

// Writes (when `write`) the broadcast shape, or fails with `status` when the
// shapes do not broadcast.
Status Broadcast(OpContext& ctx, const Tensor& a, const Tensor& b, const Tensor& out, Status status,
                 bool write) {
  const int32_t n = out.dims[0];
  for (int32_t i = 0; i < n; ++i) {
    const int32_t da = FromEnd(a, i);
    const int32_t db = FromEnd(b, i);
    if (da != db && da != 1 && db != 1) {
      return ctx.Fail(status, "dimensions %d and %d do not broadcast", static_cast<int>(da),
                      static_cast<int>(db));
    }
    if (!write) continue;
    const int32_t v = da == 1 ? db : da;
    if (out.type == TensorType::kINT64) {
      out.data_as<int64_t>()[n - 1 - i] = v;
    } else {
      out.data_as<int32_t>()[n - 1 - i] = v;
    }
  }
  return Status::kOk;
}

Status BroadcastArgsPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *a, *b, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &a));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &b));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (!IsIndexType(a->type) || b->type != a->type || out->type != a->type) {
    return ctx.FailUnsupportedTypes();
  }
  if (a->rank != 1 || b->rank != 1 || out->rank != 1) {
    return ctx.Fail(Status::kInvalidModel, "inputs and output must be vectors (ranks %d, %d, %d)",
                    a->rank, b->rank, out->rank);
  }
  if (a->is_constant() && b->is_constant()) {
    return Broadcast(ctx, *a, *b, *out, Status::kInvalidModel, false);
  }
  return Status::kOk;
}

Status BroadcastArgsEval(OpContext& ctx) {
  return Broadcast(ctx, *ctx.input(0), *ctx.input(1), *ctx.output(0), Status::kInvalidArgument,
                   true);
}

}  // namespace

const KernelRegistration kRegisterBroadcastArgs = {static_cast<int32_t>(BuiltinOp::kBROADCAST_ARGS),
                                                   nullptr,
                                                   1,
                                                   BroadcastArgsPrepare,
                                                   BroadcastArgsEval,
                                                   nullptr,
                                                   "int32 int64"};

}  // namespace microml
