// FULLY_CONNECTED on x86-64: int8 on x86::GemmS8 at the SSE4.1 level and
// above (the portable level is arm::FullyConnectedInt8), float32 on
// x86/fully_connected_float.h, every other type the reference. Same prepare,
// no scratch.
#if defined(__x86_64__)

#include "kernels/arm/fully_connected.h"

#include "kernels/x86/cpu.h"
#include "kernels/x86/fully_connected_float.h"
#include "kernels/x86/gemm_s8.h"
#include "microml/kernels.h"

namespace microml {
namespace x86 {
namespace {

Status Eval(OpContext& ctx) {
  const FullyConnectedParams& d = *ctx.op_data_as<FullyConnectedParams>();
  const Tensor* bias = ctx.input(2);
  if (d.kind == FullyConnectedKind::kFloat) {
    FullyConnectedFloatAt(ActiveLevel(), d, ctx.input(0)->data_as<const float>(),
                          ctx.input(1)->data_as<const float>(),
                          bias != nullptr ? bias->data_as<const float>() : nullptr,
                          ctx.output(0)->data_as<float>());
    return Status::kOk;
  }
  if (d.kind != FullyConnectedKind::kInt8) return reference::FullyConnectedEval(ctx);
  const int8_t* input = ctx.input(0)->data_as<const int8_t>();
  const int8_t* filter = ctx.input(1)->data_as<const int8_t>();
  const int32_t* b = bias != nullptr ? bias->data_as<const int32_t>() : nullptr;
  int8_t* output = ctx.output(0)->data_as<int8_t>();
  if (ActiveLevel() == Level::kPortable) {
    arm::FullyConnectedInt8(d, input, filter, b, output);
    return Status::kOk;
  }
  x86::GemmS8(input, d.depth, d.batches, filter, d.units, d.depth, arm::GemmS8OutputOf(d, b),
              output, d.units);
  return Status::kOk;
}

}  // namespace
}  // namespace x86

const KernelRegistration kRegisterFullyConnectedX86 = {
    static_cast<int32_t>(BuiltinOp::kFULLY_CONNECTED),
    nullptr,
    13,
    FullyConnectedPrepare,
    x86::Eval,
    nullptr,
    "float32 int8 int8_int4 int16 int16_b32"};

}  // namespace microml

#endif  // __x86_64__
