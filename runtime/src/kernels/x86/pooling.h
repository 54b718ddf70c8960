// AVERAGE_POOL_2D and MAX_POOL_2D on x86-64, int8 and int16: the arm/
// computes' walk (output pixels in order, each window's channels a vector at
// a time) with SSE4.1 or AVX2 vectors; bit-exact with the reference computes
// in prepare/pooling.h. No scratch.
#ifndef MICROML_KERNELS_X86_POOLING_H_
#define MICROML_KERNELS_X86_POOLING_H_

#if defined(__x86_64__)

#include "kernels/prepare/pooling.h"
#include "kernels/x86/cpu.h"

namespace microml {
namespace x86 {

// The computes at `level` (at most SupportedLevel()); the portable level is
// the arm/ portable compute. The AVX-512 level runs the AVX2 code.
void AveragePool2DInt8At(Level level, const PoolData& d, const Tensor& in, const Tensor& out);
void AveragePool2DInt16At(Level level, const PoolData& d, const Tensor& in, const Tensor& out);
void MaxPool2DInt8At(Level level, const PoolData& d, const Tensor& in, const Tensor& out);
void MaxPool2DInt16At(Level level, const PoolData& d, const Tensor& in, const Tensor& out);

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__

#endif  // MICROML_KERNELS_X86_POOLING_H_
