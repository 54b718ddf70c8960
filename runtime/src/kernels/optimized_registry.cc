#include <stdlib.h>

#include "kernels/registry.h"
#include "kernels/x86/cpu.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// On x86-64 the operators with x86 twins take those (each falls back to its
// arm/ portable compute at the portable level); everywhere else, the arm/
// twins, whose Helium, DSP or portable path the compiler's target chose.
const KernelRegistration* const kOptimizedKernels[] = {
#if defined(__x86_64__)
    &kRegisterAddX86,
    &kRegisterAveragePool2DX86,
    &kRegisterConv2DX86,
    &kRegisterDepthwiseConv2DX86,
    &kRegisterFullyConnectedX86,
    &kRegisterMaxPool2DX86,
    &kRegisterMulX86,
    &kRegisterSoftmaxX86,
#else
    &kRegisterAddOpt,
    &kRegisterAveragePool2DOpt,
    &kRegisterConv2DOpt,
    &kRegisterDepthwiseConv2DOpt,
    &kRegisterFullyConnectedOpt,
    &kRegisterMaxPool2DOpt,
    &kRegisterMulOpt,
    &kRegisterSoftmaxOpt,
#endif
    &kRegisterPadOpt,
    &kRegisterPadV2Opt,
};

const OpResolver kOptimizedOps = {
    kOptimizedKernels, sizeof(kOptimizedKernels) / sizeof(kOptimizedKernels[0]), &kReferenceOps};

}  // namespace

const OpResolver& OptimizedOpsResolver() {
  return kOptimizedOps;
}

#if defined(__x86_64__)

const char* OptimizedKernelsLevel() {
  return x86::LevelName(x86::ActiveLevel());
}

bool OptimizedKernelsLevelError(char* message, size_t size) {
  const char* env = getenv("MICROML_X86_LEVEL");
  if (env == nullptr) return false;
  x86::Level requested;
  if (!x86::ParseLevel(env, &requested)) {
    FormatTextF(message, size,
                "MICROML_X86_LEVEL is '%s', expected portable, sse4.1, avx2 or avx512-vnni", env);
    return true;
  }
  const x86::Level supported = x86::SupportedLevel();
  if (requested > supported) {
    FormatTextF(message, size, "MICROML_X86_LEVEL is '%s', above this CPU's highest level '%s'",
                x86::LevelName(requested), x86::LevelName(supported));
    return true;
  }
  return false;
}

#else

const char* OptimizedKernelsLevel() {
  return "portable";
}

bool OptimizedKernelsLevelError(char*, size_t) {
  return false;
}

#endif

}  // namespace microml
