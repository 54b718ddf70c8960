// SHAPE: the input's dimensions as an int32 vector (TFLM writes no other
// output type). The input's values are never read.
#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status ShapePrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (out->type != TensorType::kINT32) return ctx.FailUnsupportedTypes();
  if (out->rank != 1 || out->dims[0] != in->rank) {
    return ctx.Fail(Status::kInvalidModel, "output must be a vector of %d elements", in->rank);
  }
  return Status::kOk;
}

Status ShapeEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  int32_t* dst = ctx.output(0)->data_as<int32_t>();
  for (int d = 0; d < in.rank; ++d) dst[d] = in.dims[d];
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterShape = {
    static_cast<int32_t>(BuiltinOp::kSHAPE), nullptr, 1, ShapePrepare, ShapeEval, nullptr, "int32"};

}  // namespace microml
