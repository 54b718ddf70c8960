// DEPTHWISE_CONV_2D float32 on x86-64, depth multiplier 1: each output
// pixel's channels four (SSE4.1) or eight (AVX2) at a time, every lane adding
// its products in the reference's order with separate multiplies and adds,
// so the outputs equal the reference compute's bit for bit. No scratch.
#ifndef MICROML_KERNELS_X86_DEPTHWISE_FLOAT_H_
#define MICROML_KERNELS_X86_DEPTHWISE_FLOAT_H_

#if defined(__x86_64__)

#include "kernels/prepare/depthwise_conv2d.h"
#include "kernels/x86/cpu.h"

namespace microml {
namespace x86 {

// The compute at `level` (at most SupportedLevel()); depth multipliers above
// 1 and the portable level take the reference compute. The AVX-512 level
// runs the AVX2 code.
void DepthwiseConv2DFloatAt(Level level, const DepthwiseParams& d, const DepthwiseShape& s,
                            const float* input, const float* filter, const float* bias,
                            float* output);

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__

#endif  // MICROML_KERNELS_X86_DEPTHWISE_FLOAT_H_
