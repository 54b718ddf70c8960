// IF: runs the then or else subgraph depending on a one-element BOOL input.
// Inputs 1.. are copied into the branch's inputs, the branch runs, and its
// outputs are copied into the operator's outputs (TFLM's copy semantics).
#include "kernels/reference/control_flow.h"
#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// IfOptions field indices.
constexpr int kThenField = 0;
constexpr int kElseField = 1;

struct IfData {
  uint32_t then_subgraph;
  uint32_t else_subgraph;
};

Status CheckBranch(OpContext& ctx, int32_t index, const char* role) {
  MICROML_RETURN_IF_ERROR(ctx.CheckSubgraph(index, role));
  const uint32_t g = static_cast<uint32_t>(index);
  const uint32_t inputs = static_cast<uint32_t>(ctx.num_inputs() - 1);
  const uint32_t outputs = static_cast<uint32_t>(ctx.num_outputs());
  if (ctx.subgraph_num_inputs(g) != inputs || ctx.subgraph_num_outputs(g) != outputs) {
    return ctx.Fail(Status::kInvalidModel,
                    "%s subgraph %u has %u inputs and %u outputs, the operator passes %u and "
                    "takes %u",
                    role, static_cast<unsigned>(g),
                    static_cast<unsigned>(ctx.subgraph_num_inputs(g)),
                    static_cast<unsigned>(ctx.subgraph_num_outputs(g)),
                    static_cast<unsigned>(inputs), static_cast<unsigned>(outputs));
  }
  for (uint32_t i = 0; i < inputs; ++i) {
    MICROML_RETURN_IF_ERROR(CheckHandOver(ctx, ctx.input(static_cast<int>(i) + 1),
                                          ctx.subgraph_input(g, i), "operator input",
                                          "branch input", i));
  }
  for (uint32_t i = 0; i < outputs; ++i) {
    MICROML_RETURN_IF_ERROR(CheckHandOver(ctx, ctx.subgraph_output(g, i),
                                          ctx.output(static_cast<int>(i)), "branch output",
                                          "operator output", i));
  }
  return Status::kOk;
}

Status IfPrepare(OpContext& ctx) {
  if (ctx.num_inputs() < 1) return ctx.Fail(Status::kInvalidModel, "has no condition input");
  Tensor* cond;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &cond));
  if (cond->type != TensorType::kBOOL) return ctx.FailUnsupportedTypes();
  if (cond->element_count() != 1) {
    return ctx.Fail(Status::kInvalidModel, "condition holds %u elements, expected 1",
                    static_cast<unsigned>(cond->element_count()));
  }
  const TableRef options = OptionsAs(ctx, OptionsType::kIfOptions);
  const int32_t then_index = options.GetInt32(kThenField, 0);
  const int32_t else_index = options.GetInt32(kElseField, 0);
  MICROML_RETURN_IF_ERROR(CheckBranch(ctx, then_index, "then"));
  MICROML_RETURN_IF_ERROR(CheckBranch(ctx, else_index, "else"));
  IfData* data = ctx.AllocatePersistent<IfData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->then_subgraph = static_cast<uint32_t>(then_index);
  data->else_subgraph = static_cast<uint32_t>(else_index);
  ctx.set_op_data(data);
  return Status::kOk;
}

Status IfEval(OpContext& ctx) {
  const IfData& data = *ctx.op_data_as<IfData>();
  const uint32_t g = ConditionValue(*ctx.input(0)) ? data.then_subgraph : data.else_subgraph;
  const uint32_t inputs = ctx.subgraph_num_inputs(g);
  for (uint32_t i = 0; i < inputs; ++i) {
    HandOver(*ctx.input(static_cast<int>(i) + 1), *ctx.subgraph_input(g, i));
  }
  MICROML_RETURN_IF_ERROR(ctx.InvokeSubgraph(g));
  const uint32_t outputs = ctx.subgraph_num_outputs(g);
  for (uint32_t i = 0; i < outputs; ++i) {
    HandOver(*ctx.subgraph_output(g, i), *ctx.output(static_cast<int>(i)));
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterIf = {
    static_cast<int32_t>(BuiltinOp::kIF), nullptr, 1, IfPrepare, IfEval, nullptr, "any"};

}  // namespace microml
