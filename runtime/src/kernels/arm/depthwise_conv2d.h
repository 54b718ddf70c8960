// Optimized int8 DEPTHWISE_CONV_2D compute (Helium, Arm DSP or portable).
#ifndef MICROML_KERNELS_ARM_DEPTHWISE_CONV2D_H_
#define MICROML_KERNELS_ARM_DEPTHWISE_CONV2D_H_

#include <stdint.h>

#include "kernels/prepare/depthwise_conv2d.h"

namespace microml {
namespace arm {

// Same result as reference::DepthwiseConv2DInt8 for every input; needs no
// scratch memory.
void DepthwiseConv2DInt8(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                         const int8_t* filter, const int32_t* bias, int8_t* output);

}  // namespace arm
}  // namespace microml

#endif  // MICROML_KERNELS_ARM_DEPTHWISE_CONV2D_H_
