#include "kernels/registry.h"
#include "microml/kernels.h"

namespace microml {

namespace {

const KernelRegistration* const kOptimizedKernels[] = {
    &kRegisterAddOpt,
    &kRegisterAveragePool2DOpt,
    &kRegisterConv2DOpt,
    &kRegisterDepthwiseConv2DOpt,
    &kRegisterFullyConnectedOpt,
    &kRegisterMaxPool2DOpt,
    &kRegisterMulOpt,
    &kRegisterPadOpt,
    &kRegisterPadV2Opt,
    &kRegisterSoftmaxOpt,
};

const OpResolver kOptimizedOps = {
    kOptimizedKernels, sizeof(kOptimizedKernels) / sizeof(kOptimizedKernels[0]), &kReferenceOps};

}  // namespace

const OpResolver& OptimizedOpsResolver() {
  return kOptimizedOps;
}

}  // namespace microml
