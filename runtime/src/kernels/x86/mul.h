// MUL on x86-64, int8 and int16, broadcasting or not: the product of the
// offset inputs (|p| <= 2^30) requantized on four (SSE4.1) or eight (AVX2)
// lanes, bit-exact with the reference computes in prepare/mul.h. No scratch.
#ifndef MICROML_KERNELS_X86_MUL_H_
#define MICROML_KERNELS_X86_MUL_H_

#if defined(__x86_64__)

#include "kernels/prepare/mul.h"
#include "kernels/x86/cpu.h"

namespace microml {
namespace x86 {

// The computes at `level` (at most SupportedLevel()). Output shifts that are
// not right shifts of 1 to 31, and the portable level, take
// the arm/ compute (the reference for int16). The AVX-512 level runs the AVX2
// code.
void MulInt8At(Level level, const ArithData& d, const Tensor& a, const Tensor& b,
               const Tensor& out);
void MulInt16At(Level level, const ArithData& d, const Tensor& a, const Tensor& b,
                const Tensor& out);

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__

#endif  // MICROML_KERNELS_X86_MUL_H_
