// WHILE: loop variables start as the operator's inputs and live in its
// outputs; while the cond subgraph's first (BOOL) output is true the body
// subgraph maps them to their next values. Copies between the operator and
// the two subgraphs follow TFLM's order.
#include "kernels/reference/control_flow.h"
#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// WhileOptions field indices.
constexpr int kCondField = 0;
constexpr int kBodyField = 1;

struct WhileData {
  uint32_t cond_subgraph;
  uint32_t body_subgraph;
};

Status CheckSubgraphs(OpContext& ctx, uint32_t cond, uint32_t body) {
  const uint32_t n = static_cast<uint32_t>(ctx.num_inputs());
  if (static_cast<uint32_t>(ctx.num_outputs()) != n || ctx.subgraph_num_inputs(cond) != n ||
      ctx.subgraph_num_inputs(body) != n || ctx.subgraph_num_outputs(body) != n) {
    return ctx.Fail(Status::kInvalidModel,
                    "loop variable counts differ: %u inputs, %u outputs, cond takes %u, body "
                    "takes %u and returns %u",
                    static_cast<unsigned>(n), static_cast<unsigned>(ctx.num_outputs()),
                    static_cast<unsigned>(ctx.subgraph_num_inputs(cond)),
                    static_cast<unsigned>(ctx.subgraph_num_inputs(body)),
                    static_cast<unsigned>(ctx.subgraph_num_outputs(body)));
  }
  const Tensor* flag = ctx.subgraph_output(cond, 0);
  if (flag == nullptr || flag->type != TensorType::kBOOL || flag->element_count() < 1) {
    return ctx.Fail(Status::kInvalidModel, "cond subgraph %u must return a BOOL first output",
                    static_cast<unsigned>(cond));
  }
  for (uint32_t i = 0; i < n; ++i) {
    const Tensor* in = ctx.input(static_cast<int>(i));
    const Tensor* out = ctx.output(static_cast<int>(i));
    MICROML_RETURN_IF_ERROR(CheckHandOver(ctx, in, out, "operator input", "operator output", i));
    MICROML_RETURN_IF_ERROR(
        CheckHandOver(ctx, out, ctx.subgraph_input(cond, i), "operator output", "cond input", i));
    MICROML_RETURN_IF_ERROR(
        CheckHandOver(ctx, out, ctx.subgraph_input(body, i), "operator output", "body input", i));
    MICROML_RETURN_IF_ERROR(
        CheckHandOver(ctx, ctx.subgraph_output(body, i), out, "body output", "operator output", i));
  }
  return Status::kOk;
}

Status WhilePrepare(OpContext& ctx) {
  const TableRef options = OptionsAs(ctx, OptionsType::kWhileOptions);
  const int32_t cond = options.GetInt32(kCondField, 0);
  const int32_t body = options.GetInt32(kBodyField, 0);
  MICROML_RETURN_IF_ERROR(ctx.CheckSubgraph(cond, "cond"));
  MICROML_RETURN_IF_ERROR(ctx.CheckSubgraph(body, "body"));
  MICROML_RETURN_IF_ERROR(
      CheckSubgraphs(ctx, static_cast<uint32_t>(cond), static_cast<uint32_t>(body)));
  WhileData* data = ctx.AllocatePersistent<WhileData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->cond_subgraph = static_cast<uint32_t>(cond);
  data->body_subgraph = static_cast<uint32_t>(body);
  ctx.set_op_data(data);
  return Status::kOk;
}

// Copies the loop variables (the operator's outputs) into subgraph `g`'s inputs.
void OutputsToSubgraph(OpContext& ctx, uint32_t g) {
  for (int i = 0; i < ctx.num_outputs(); ++i) {
    HandOver(*ctx.output(i), *ctx.subgraph_input(g, static_cast<uint32_t>(i)));
  }
}

Status RunCond(OpContext& ctx, uint32_t cond, bool* value) {
  MICROML_RETURN_IF_ERROR(ctx.InvokeSubgraph(cond));
  *value = ConditionValue(*ctx.subgraph_output(cond, 0));
  return Status::kOk;
}

Status WhileEval(OpContext& ctx) {
  const WhileData& data = *ctx.op_data_as<WhileData>();
  const int n = ctx.num_inputs();
  for (int i = 0; i < n; ++i) {
    HandOver(*ctx.input(i), *ctx.subgraph_input(data.cond_subgraph, static_cast<uint32_t>(i)));
  }
  // The inputs are saved in the outputs before any subgraph runs and may reuse
  // their memory.
  for (int i = 0; i < n; ++i) HandOver(*ctx.input(i), *ctx.output(i));
  bool more = false;
  MICROML_RETURN_IF_ERROR(RunCond(ctx, data.cond_subgraph, &more));
  while (more) {
    OutputsToSubgraph(ctx, data.body_subgraph);
    MICROML_RETURN_IF_ERROR(ctx.InvokeSubgraph(data.body_subgraph));
    for (int i = 0; i < n; ++i) {
      HandOver(*ctx.subgraph_output(data.body_subgraph, static_cast<uint32_t>(i)), *ctx.output(i));
    }
    OutputsToSubgraph(ctx, data.cond_subgraph);
    MICROML_RETURN_IF_ERROR(RunCond(ctx, data.cond_subgraph, &more));
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterWhile = {
    static_cast<int32_t>(BuiltinOp::kWHILE), nullptr, 1, WhilePrepare, WhileEval, nullptr, "any"};

}  // namespace microml
