// DEPTHWISE_CONV_2D of a single input channel on the x86 GEMM core: every
// output channel then reads the same window, so the operator is a CONV_2D of
// input depth 1 whose OHWI filter is the depthwise filter transposed.
#ifndef MICROML_KERNELS_X86_DEPTHWISE_GEMM_H_
#define MICROML_KERNELS_X86_DEPTHWISE_GEMM_H_

#include <stdint.h>

#include "kernels/prepare/depthwise_conv2d.h"

namespace microml {
namespace x86 {

// Computes the int8 operator (reference::DepthwiseConv2DInt8's result) and
// returns true when it takes the shape: one input channel, a filter small
// enough for its stack copies, a level above portable. Else false, untouched.
bool DepthwiseSingleChannel(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                            const int8_t* filter, const int32_t* bias, int8_t* output);
// Whether DepthwiseSingleChannel takes the shape, and the output pixels it
// has in flight (WindowOverlap::pixels).
bool DepthwiseSingleChannelTakes(const DepthwiseShape& s);
constexpr int32_t kDepthwiseSingleChannelPixels = 16;

}  // namespace x86
}  // namespace microml

#endif  // MICROML_KERNELS_X86_DEPTHWISE_GEMM_H_
