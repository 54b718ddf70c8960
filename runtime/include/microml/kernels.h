// Registrations of every kernel in the runtime, for applications that build a
// resolver with only the operators their models use.
#ifndef MICROML_KERNELS_H_
#define MICROML_KERNELS_H_

#include "microml/kernel.h"

namespace microml {

// Keep in the order of runtime/src/kernels/registry.cc.
extern const KernelRegistration kRegisterAdd;
extern const KernelRegistration kRegisterAveragePool2D;
extern const KernelRegistration kRegisterConv2D;
extern const KernelRegistration kRegisterDepthwiseConv2D;
extern const KernelRegistration kRegisterDequantize;
extern const KernelRegistration kRegisterFullyConnected;
extern const KernelRegistration kRegisterLeakyRelu;
extern const KernelRegistration kRegisterMaxPool2D;
extern const KernelRegistration kRegisterPad;
extern const KernelRegistration kRegisterPadV2;
extern const KernelRegistration kRegisterQuantize;
extern const KernelRegistration kRegisterReshape;
extern const KernelRegistration kRegisterSoftmax;
extern const KernelRegistration kRegisterStridedSlice;
extern const KernelRegistration kRegisterSub;
extern const KernelRegistration kRegisterTransposeConv;

}  // namespace microml

#endif  // MICROML_KERNELS_H_
