// PAD and PADV2: the optimized registration runs the reference compute, which
// already copies each innermost run with memcpy and fills the rest in a tight
// loop; there is no arithmetic left for DSP or Helium to speed up.
#include "kernels/prepare/pad.h"

#include "microml/kernels.h"

namespace microml {
namespace arm {

namespace {

Status PadOptEval(OpContext& ctx) {
  reference::Pad(*ctx.op_data_as<PadData>(), *ctx.input(0), *ctx.input(1), ctx.input(2),
                 *ctx.output(0));
  return Status::kOk;
}

}  // namespace

}  // namespace arm

const KernelRegistration kRegisterPadOpt = {static_cast<int32_t>(BuiltinOp::kPAD),
                                            nullptr,
                                            4,
                                            PadPrepare,
                                            arm::PadOptEval,
                                            nullptr,
                                            "float32 int8 int16 int32"};

const KernelRegistration kRegisterPadV2Opt = {static_cast<int32_t>(BuiltinOp::kPADV2),
                                              nullptr,
                                              4,
                                              PadPrepare,
                                              arm::PadOptEval,
                                              nullptr,
                                              "float32 int8 int16 int32"};

}  // namespace microml
