// SOFTMAX on x86-64: int8 input (int8 or int16 output) with AVX2, gemmlowp's
// fixed-point exp on eight lanes; bit-exact with the reference compute in
// prepare/softmax.h. No scratch.
#ifndef MICROML_KERNELS_X86_SOFTMAX_H_
#define MICROML_KERNELS_X86_SOFTMAX_H_

#if defined(__x86_64__)

#include "kernels/prepare/softmax.h"
#include "kernels/x86/cpu.h"

namespace microml {
namespace x86 {

// The compute at `level` (at most SupportedLevel()). Levels below AVX2,
// float32 and int16 input, and rows of fewer than 8 elements take the
// reference compute; the AVX-512 level runs
// the AVX2 code.
void SoftmaxAt(Level level, const SoftmaxData& d, const Tensor& in, const Tensor& out);

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__

#endif  // MICROML_KERNELS_X86_SOFTMAX_H_
