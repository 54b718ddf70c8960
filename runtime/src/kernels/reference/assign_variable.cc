// ASSIGN_VARIABLE: copies the value input into a resource variable.
//
// When the handle is known at prepare (written by a VAR_HANDLE, or a constant
// int32 id) the first assignment sizes the variable and fills it with the
// value's int8 zero point, as TFLM's MicroResourceVariables does. A handle
// that only arrives at run time (a subgraph input) must name a variable some
// other assignment sized, which is checked on every run.
#include <string.h>

#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status AssignVariablePrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 0));
  Tensor *handle, *value;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &handle));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &value));
  if (!IsOneOf(handle->type, TensorType::kRESOURCE, TensorType::kINT32) ||
      TensorTypeSize(value->type) == 0) {
    return ctx.FailUnsupportedTypes();
  }
  if (handle->element_count() != 1) {
    return ctx.Fail(Status::kInvalidModel, "resource input holds %u elements, expected 1",
                    static_cast<unsigned>(handle->element_count()));
  }
  if (handle->data == nullptr) return Status::kOk;
  int32_t id = -1;
  memcpy(&id, handle->data, sizeof(id));
  if (id < 0 && handle->type == TensorType::kRESOURCE) return Status::kOk;
  // TFLM takes the quantization of any tensor that has a scale and a zero
  // point, and memsets with the zero point's low byte.
  const QuantizationRef q = ctx.input_ref(1).quantization();
  const uint8_t fill =
      (!q.scale.empty() && !q.zero_point.empty()) ? static_cast<uint8_t>(q.zero_point[0]) : 0;
  return ctx.BindResource(id, value->bytes, value->type, fill);
}

Status AssignVariableEval(OpContext& ctx) {
  const Tensor& value = *ctx.input(1);
  int32_t id = -1;
  memcpy(&id, ctx.input(0)->data, sizeof(id));
  uint32_t bytes = 0;
  void* data = ctx.resource_data(id, &bytes);
  if (data == nullptr || bytes != value.bytes) {
    return ctx.Fail(Status::kInvalidModel,
                    "resource %d is not a variable of %u bytes (never sized, or %u bytes)",
                    static_cast<int>(id), static_cast<unsigned>(value.bytes),
                    static_cast<unsigned>(bytes));
  }
  if (bytes > 0) memcpy(data, value.data, bytes);
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterAssignVariable = {
    static_cast<int32_t>(BuiltinOp::kASSIGN_VARIABLE),
    nullptr,
    1,
    AssignVariablePrepare,
    AssignVariableEval,
    nullptr,
    "float32 int8 int16 int32 uint8 int64 bool"};

}  // namespace microml
