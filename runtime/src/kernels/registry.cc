#include <string.h>

#include "microml/kernels.h"

namespace microml {

namespace {

const KernelRegistration* const kAllKernels[] = {
    &kRegisterAdd,
    &kRegisterAveragePool2D,
    &kRegisterConv2D,
    &kRegisterDepthwiseConv2D,
    &kRegisterDequantize,
    &kRegisterFullyConnected,
    &kRegisterLeakyRelu,
    &kRegisterMaxPool2D,
    &kRegisterPad,
    &kRegisterPadV2,
    &kRegisterQuantize,
    &kRegisterReshape,
    &kRegisterSoftmax,
    &kRegisterStridedSlice,
    &kRegisterSub,
    &kRegisterTransposeConv,
};

const OpResolver kAllOps = {kAllKernels, sizeof(kAllKernels) / sizeof(kAllKernels[0])};

}  // namespace

const OpResolver& AllOpsResolver() { return kAllOps; }

const KernelRegistration* OpResolver::Find(int32_t builtin_code, const char* custom_name) const {
  for (size_t i = 0; i < count; ++i) {
    const KernelRegistration* k = kernels[i];
    if (k->builtin_code != builtin_code) continue;
    if (builtin_code != static_cast<int32_t>(BuiltinOp::kCUSTOM)) return k;
    if (custom_name != nullptr && k->custom_name != nullptr && strcmp(custom_name, k->custom_name) == 0) {
      return k;
    }
  }
  return nullptr;
}

}  // namespace microml
