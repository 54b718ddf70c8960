// FULLY_CONNECTED float32 on x86-64: four (SSE4.1) or eight (AVX2) units at
// a time, their weight rows transposed in registers so that every lane adds
// its products in the reference's order, with separate multiplies and adds:
// the outputs equal the reference compute's bit for bit. No scratch.
#ifndef MICROML_KERNELS_X86_FULLY_CONNECTED_FLOAT_H_
#define MICROML_KERNELS_X86_FULLY_CONNECTED_FLOAT_H_

#if defined(__x86_64__)

#include "kernels/prepare/fully_connected.h"
#include "kernels/x86/cpu.h"

namespace microml {
namespace x86 {

// The compute at `level` (at most SupportedLevel()); the portable level takes
// the reference compute. The AVX-512 level runs the AVX2 code.
void FullyConnectedFloatAt(Level level, const FullyConnectedParams& d, const float* input,
                           const float* filter, const float* bias, float* output);

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__

#endif  // MICROML_KERNELS_X86_FULLY_CONNECTED_FLOAT_H_
