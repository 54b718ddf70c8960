// CONV_2D float32 on x86-64 without grouped filters: each output pixel's
// channels four (SSE4.1) or eight (AVX2) at a time, each lane one filter
// dotted with the pixel's window in the reference's order (x86/float_rows.h),
// so the outputs equal the reference compute's bit for bit. No scratch.
#ifndef MICROML_KERNELS_X86_CONV2D_FLOAT_H_
#define MICROML_KERNELS_X86_CONV2D_FLOAT_H_

#if defined(__x86_64__)

#include "kernels/prepare/conv2d.h"
#include "kernels/x86/cpu.h"

namespace microml {
namespace x86 {

// The compute at `level` (at most SupportedLevel()); grouped filters and the
// portable level take the reference compute. The AVX-512 level runs the AVX2
// code.
void Conv2DFloatAt(Level level, const Conv2DParams& d, const Conv2DShape& s, const float* input,
                   const float* filter, const float* bias, float* output);

}  // namespace x86
}  // namespace microml

#endif  // __x86_64__

#endif  // MICROML_KERNELS_X86_CONV2D_FLOAT_H_
