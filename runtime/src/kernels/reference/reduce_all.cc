// REDUCE_ALL: logical AND of bool values over the given axes (reduce.h); an
// empty reduction is true.
#include "kernels/reference/reduce.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status ReduceAllPrepare(OpContext& ctx) {
  ReduceData* data = ctx.AllocatePersistent<ReduceData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  MICROML_RETURN_IF_ERROR(PrepareReduce(ctx, kMaxReduceRank, data));
  if (ctx.input(0)->type != TensorType::kBOOL || ctx.output(0)->type != TensorType::kBOOL) {
    return ctx.FailUnsupportedTypes();
  }
  return Status::kOk;
}

// Any nonzero byte counts as true, so malformed inputs still yield 0 or 1.
Status ReduceAllEval(OpContext& ctx) {
  ReduceAxes axes;
  MICROML_RETURN_IF_ERROR(GetReduceAxes(ctx, *ctx.op_data_as<ReduceData>(), &axes));
  ReduceGeneric<uint8_t>(*ctx.input(0), axes, *ctx.output(0), 1,
                         [](uint8_t acc, uint8_t x) -> uint8_t { return acc != 0 && x != 0; });
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterReduceAll = {static_cast<int32_t>(BuiltinOp::kREDUCE_ALL),
                                               nullptr,
                                               1,
                                               ReduceAllPrepare,
                                               ReduceAllEval,
                                               nullptr,
                                               "bool"};

}  // namespace microml
