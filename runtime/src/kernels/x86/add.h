// ADD on x86-64, int8: AVX2 lanes, broadcasting or not, bit-exact with the
// reference compute in prepare/add.h. No scratch.
#ifndef MICROML_KERNELS_X86_ADD_H_
#define MICROML_KERNELS_X86_ADD_H_

#if defined(__x86_64__)

#include "kernels/prepare/add.h"
#include "kernels/x86/cpu.h"

namespace microml {
namespace x86 {

// The compute at `level` (at most SupportedLevel()). Levels below AVX2 and
// exponents beyond arm::kMaxPotExponent take arm::AddInt8 (the reference
// where it does not apply); the AVX-512 level runs the AVX2 code.
void AddInt8At(Level level, const ArithData& d, const Tensor& a, const Tensor& b,
               const Tensor& out);

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__

#endif  // MICROML_KERNELS_X86_ADD_H_
