// EXPAND_DIMS: inserts a size-1 dimension at a constant axis (float32, int8,
// int16); a byte copy.
#include <string.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kMaxRank = 8;

Status ExpandDimsPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *in, *axis_tensor, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &axis_tensor));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType type = in->type;
  const bool type_ok =
      type == TensorType::kFLOAT32 || type == TensorType::kINT8 || type == TensorType::kINT16;
  if (!type_ok || out->type != type) return ctx.FailUnsupportedTypes();
  MICROML_RETURN_IF_ERROR(RequireConstIndex(ctx, *axis_tensor, "axis", false));
  if (axis_tensor->rank > 1 || axis_tensor->element_count() != 1) {
    return ctx.Fail(Status::kInvalidModel, "axis tensor must hold one element (rank %d, %u)",
                    axis_tensor->rank, static_cast<unsigned>(axis_tensor->element_count()));
  }
  const int rank = in->rank + 1;
  if (rank > kMaxRank) {
    return ctx.Fail(Status::kUnsupported, "output rank %d, at most %d", rank, kMaxRank);
  }
  const int32_t raw_axis = axis_tensor->data_as<const int32_t>()[0];
  int axis = 0;
  if (!NormalizeAxis(raw_axis, rank, &axis)) {
    return ctx.Fail(Status::kInvalidModel, "axis %d outside [-%d, %d]", static_cast<int>(raw_axis),
                    rank, in->rank);
  }
  int32_t dims[kMaxRank];
  for (int d = 0, s = 0; d < rank; ++d) dims[d] = d == axis ? 1 : in->dims[s++];
  return ExpectShape(ctx, *out, "output", dims, rank);
}

Status ExpandDimsEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  if (in.data != out.data && out.bytes > 0) memmove(out.data, in.data, out.bytes);
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterExpandDims = {static_cast<int32_t>(BuiltinOp::kEXPAND_DIMS),
                                                nullptr,
                                                1,
                                                ExpandDimsPrepare,
                                                ExpandDimsEval,
                                                nullptr,
                                                "float32 int8 int16",
                                                0b1};

}  // namespace microml
