// SOFTMAX: the optimized registration runs the reference computes. The
// shared models' softmaxes are a few dozen elements per inference (kws: 12,
// person_detect: 2), where a faster exp would not show, and a table of exp
// values would cost arena and code size.
#include "kernels/prepare/softmax.h"

#include "microml/kernels.h"

namespace microml {
namespace arm {

namespace {

Status SoftmaxOptEval(OpContext& ctx) {
  reference::Softmax(*ctx.op_data_as<SoftmaxData>(), *ctx.input(0), *ctx.output(0));
  return Status::kOk;
}

}  // namespace

}  // namespace arm

const KernelRegistration kRegisterSoftmaxOpt = {
    static_cast<int32_t>(BuiltinOp::kSOFTMAX),
    nullptr,
    3,
    SoftmaxPrepare,
    arm::SoftmaxOptEval,
    nullptr,
    "float32 int8_to_int8 int8_to_int16 int16_to_int16"};

}  // namespace microml
