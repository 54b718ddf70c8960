// CALL_ONCE: runs its init subgraph on the first invocation only (the
// converter's pattern for initializing resource variables). Interpreter
// Reset() re-arms it, so the variables it initializes start over too.
#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// CallOnceOptions field index.
constexpr int kInitSubgraphField = 0;

struct CallOnceData {
  uint32_t init_subgraph;
  bool has_run;
};

Status CallOncePrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 0, 0, 0));
  const int32_t index =
      OptionsAs(ctx, OptionsType::kCallOnceOptions).GetInt32(kInitSubgraphField, 0);
  MICROML_RETURN_IF_ERROR(ctx.CheckSubgraph(index, "init"));
  CallOnceData* data = ctx.AllocatePersistent<CallOnceData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->init_subgraph = static_cast<uint32_t>(index);
  data->has_run = false;
  ctx.set_op_data(data);
  return Status::kOk;
}

Status CallOnceEval(OpContext& ctx) {
  CallOnceData& data = *ctx.op_data_as<CallOnceData>();
  if (data.has_run) return Status::kOk;
  MICROML_RETURN_IF_ERROR(ctx.InvokeSubgraph(data.init_subgraph));
  data.has_run = true;
  return Status::kOk;
}

void CallOnceReset(OpContext& ctx) {
  ctx.op_data_as<CallOnceData>()->has_run = false;
}

}  // namespace

const KernelRegistration kRegisterCallOnce = {static_cast<int32_t>(BuiltinOp::kCALL_ONCE),
                                              nullptr,
                                              1,
                                              CallOncePrepare,
                                              CallOnceEval,
                                              CallOnceReset,
                                              "any"};

}  // namespace microml
