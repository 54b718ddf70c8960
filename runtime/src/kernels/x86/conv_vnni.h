// CONV_2D int8 at the AVX-512 VNNI level on packed_vnni.h's GEMM: weights
// packed once per invocation on the stack; 1x1 filters, and the pixels whose
// window lies inside the input when a window row is whole groups of 4 bytes,
// read the input in place; the other pixels go through im2col rows in the
// scratch. Pixels in order throughout (the overlap contract).
#ifndef MICROML_KERNELS_X86_CONV_VNNI_H_
#define MICROML_KERNELS_X86_CONV_VNNI_H_

#include <stdint.h>

#include "kernels/prepare/conv2d.h"

namespace microml {
namespace x86 {

// Computes the operator and returns true when it takes the shape (the caller
// has checked the VNNI level and arm::Conv2DInt8Covers): weights of up to
// 16 KB packed, at most 256 output channels, every shift a right shift. Else
// false, output untouched. `scratch` holds arm::Conv2DInt8ScratchBytes.
bool Conv2DVnni(const Conv2DParams& d, const Conv2DShape& s, const int8_t* input,
                const int8_t* filter, const int32_t* bias, int8_t* scratch, int8_t* output);

}  // namespace x86
}  // namespace microml

#endif  // MICROML_KERNELS_X86_CONV_VNNI_H_
