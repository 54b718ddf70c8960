// RESHAPE: a byte copy into the output's shape. Like TFLM, the output tensor's
// shape is authoritative; the optional shape input and the new_shape option
// are not consulted (the converter keeps all three in agreement).
#include <string.h>

#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status ReshapePrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 2, 1));
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (in->type != out->type || TensorTypeSize(in->type) == 0) return ctx.FailUnsupportedTypes();
  if (ctx.num_inputs() == 1 && out->rank == 1 && out->dims[0] == 0 && in->element_count() == 1) {
    return ctx.Fail(Status::kUnsupported, "legacy scalar output shape [0] is not supported");
  }
  if (in->element_count() != out->element_count() || in->bytes != out->bytes) {
    return ctx.Fail(Status::kInvalidModel, "input has %u elements, output %u",
                    static_cast<unsigned>(in->element_count()),
                    static_cast<unsigned>(out->element_count()));
  }
  return Status::kOk;
}

Status ReshapeEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  if (in.data != out.data && out.bytes > 0) memmove(out.data, in.data, out.bytes);
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterReshape = {
    static_cast<int32_t>(BuiltinOp::kRESHAPE), nullptr, 2, ReshapePrepare, ReshapeEval, nullptr,
    "float32 int8 int16 int32 bool uint8",     0b1};

}  // namespace microml
