// READ_VARIABLE: copies a resource variable's bytes into the output.
//
// The variable gets its buffer from an ASSIGN_VARIABLE's prepare, which may
// come later in the model (another subgraph), and the handle may only arrive
// at run time (a subgraph input), so the size check that cannot be made at
// prepare is made on every run.
#include <string.h>

#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status ReadVariablePrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  Tensor *handle, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &handle));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (handle->type != TensorType::kRESOURCE) return ctx.FailUnsupportedTypes();
  if (handle->element_count() != 1) {
    return ctx.Fail(Status::kInvalidModel, "resource input holds %u elements, expected 1",
                    static_cast<unsigned>(handle->element_count()));
  }
  if (TensorTypeSize(out->type) == 0) return ctx.FailUnsupportedTypes();
  return Status::kOk;
}

Status ReadVariableEval(OpContext& ctx) {
  const Tensor& out = *ctx.output(0);
  int32_t id = -1;
  memcpy(&id, ctx.input(0)->data, sizeof(id));
  uint32_t bytes = 0;
  const void* data = ctx.resource_data(id, &bytes);
  if (data == nullptr || bytes != out.bytes) {
    return ctx.Fail(Status::kInvalidModel,
                    "resource %d is not a variable of %u bytes (never assigned, or %u bytes)",
                    static_cast<int>(id), static_cast<unsigned>(out.bytes),
                    static_cast<unsigned>(bytes));
  }
  if (bytes > 0) memcpy(out.data, data, bytes);
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterReadVariable = {static_cast<int32_t>(BuiltinOp::kREAD_VARIABLE),
                                                  nullptr,
                                                  1,
                                                  ReadVariablePrepare,
                                                  ReadVariableEval,
                                                  nullptr,
                                                  "float32 int8 int16 int32 uint8 int64 bool"};

}  // namespace microml
