// VAR_HANDLE: names a resource variable by (container, shared_name) and writes
// its id into the RESOURCE output. The id is fixed at prepare, where later
// ASSIGN_VARIABLE operators read it to size the variable.
#include <string.h>

#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// VarHandleOptions field indices.
constexpr int kContainerField = 0;
constexpr int kSharedNameField = 1;

Status VarHandlePrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 0, 0, 1));
  Tensor* out;
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (out->type != TensorType::kRESOURCE) return ctx.FailUnsupportedTypes();
  if (out->element_count() != 1) {
    return ctx.Fail(Status::kInvalidModel, "resource output holds %u elements, expected 1",
                    static_cast<unsigned>(out->element_count()));
  }
  const TableRef options = OptionsAs(ctx, OptionsType::kVarHandleOptions);
  bool has_container = false, has_name = false, ok_container = true, ok_name = true;
  const StringRef container = options.GetString(kContainerField, &has_container, &ok_container);
  const StringRef shared_name = options.GetString(kSharedNameField, &has_name, &ok_name);
  if (!ok_container || !ok_name) {
    return ctx.Fail(Status::kInvalidModel, "VarHandleOptions strings are malformed");
  }
  int32_t* id = ctx.AllocatePersistent<int32_t>();
  if (id == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(id);
  MICROML_RETURN_IF_ERROR(
      ctx.FindOrCreateResource(has_container ? container.data : nullptr, shared_name.data, id));
  memcpy(out->data, id, sizeof(*id));
  return Status::kOk;
}

// Rewritten on every run, as TFLM does, in case another operator overwrote it.
Status VarHandleEval(OpContext& ctx) {
  memcpy(ctx.output(0)->data, ctx.op_data_as<int32_t>(), sizeof(int32_t));
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterVarHandle = {static_cast<int32_t>(BuiltinOp::kVAR_HANDLE),
                                               nullptr,
                                               1,
                                               VarHandlePrepare,
                                               VarHandleEval,
                                               nullptr,
                                               "resource"};

}  // namespace microml
