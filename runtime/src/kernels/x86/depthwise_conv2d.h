// The x86-64 int8 DEPTHWISE_CONV_2D compute (x86/depthwise_conv2d.cc), public
// for its differential test.
#ifndef MICROML_KERNELS_X86_DEPTHWISE_CONV2D_H_
#define MICROML_KERNELS_X86_DEPTHWISE_CONV2D_H_

#include <stdint.h>

#include "kernels/prepare/depthwise_conv2d.h"

namespace microml {
namespace x86 {

// reference::DepthwiseConv2DInt8's result at ActiveLevel(); `scratch` holds
// arm::DepthwiseConv2DInt8ScratchBytes.
void DepthwiseInt8(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                   const int8_t* filter, const int32_t* bias, int8_t* scratch, int8_t* output);

}  // namespace x86
}  // namespace microml

#endif  // MICROML_KERNELS_X86_DEPTHWISE_CONV2D_H_
