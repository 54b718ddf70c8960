// Optimized FULLY_CONNECTED: int8 on the GEMM core, every other type on the
// reference compute, behind the shared prepare (nothing to add to it: the
// GEMM needs no scratch and keeps no precomputed data).
#include "kernels/arm/fully_connected.h"

#include "kernels/arm/gemm_s8.h"
#include "microml/kernels.h"

namespace microml {
namespace arm {

void FullyConnectedInt8(const FullyConnectedParams& d, const int8_t* input, const int8_t* filter,
                        const int32_t* bias, int8_t* output) {
  const GemmS8Output q = GemmS8OutputOf(d, bias);
  if (d.batches == 1) {
    GemmS8SingleRow(input, filter, d.units, d.depth, q, output);
  } else {
    GemmS8(input, d.depth, d.batches, filter, d.units, d.depth, q, output, d.units);
  }
}

}  // namespace arm

namespace {

Status Eval(OpContext& ctx) {
  const FullyConnectedParams& d = *ctx.op_data_as<FullyConnectedParams>();
  if (d.kind != FullyConnectedKind::kInt8) return reference::FullyConnectedEval(ctx);
  const Tensor* bias = ctx.input(2);
  arm::FullyConnectedInt8(
      d, ctx.input(0)->data_as<const int8_t>(), ctx.input(1)->data_as<const int8_t>(),
      bias != nullptr ? bias->data_as<const int32_t>() : nullptr, ctx.output(0)->data_as<int8_t>());
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterFullyConnectedOpt = {
    static_cast<int32_t>(BuiltinOp::kFULLY_CONNECTED),
    nullptr,
    13,
    FullyConnectedPrepare,
    Eval,
    nullptr,
    "float32 int8 int8_int4 int16 int16_b32"};

}  // namespace microml
