// Optimized int8 DEPTHWISE_CONV_2D compute (Helium, Arm DSP or portable).
#ifndef MICROML_KERNELS_ARM_DEPTHWISE_CONV2D_H_
#define MICROML_KERNELS_ARM_DEPTHWISE_CONV2D_H_

#include <stddef.h>
#include <stdint.h>

#include "kernels/prepare/depthwise_conv2d.h"

namespace microml {
namespace arm {

// Bytes of scratch DepthwiseConv2DInt8 needs (0: none).
size_t DepthwiseConv2DInt8ScratchBytes(const DepthwiseParams& d, const DepthwiseShape& s);

// Same result as reference::DepthwiseConv2DInt8 for every input. `scratch`
// holds DepthwiseConv2DInt8ScratchBytes.
void DepthwiseConv2DInt8(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                         const int8_t* filter, const int32_t* bias, int8_t* scratch,
                         int8_t* output);

// The glue of every optimized DEPTHWISE_CONV_2D registration (this one and
// x86's): the shared prepare plus the scratch DepthwiseConv2DInt8ScratchBytes
// asks for, and an eval that runs `int8` (a compute with DepthwiseConv2DInt8's
// contract) for int8, `float32` (reference::DepthwiseConv2DFloat's contract)
// for float32 when given, and the reference for every other kind.
using DepthwiseInt8Compute = void (*)(const DepthwiseParams& d, const DepthwiseShape& s,
                                      const int8_t* input, const int8_t* filter,
                                      const int32_t* bias, int8_t* scratch, int8_t* output);
using DepthwiseFloatCompute = void (*)(const DepthwiseParams& d, const DepthwiseShape& s,
                                       const float* input, const float* filter, const float* bias,
                                       float* output);
[[nodiscard]] Status PrepareDepthwiseConv2DOptimized(OpContext& ctx);
[[nodiscard]] Status EvalDepthwiseConv2DOptimized(OpContext& ctx, DepthwiseInt8Compute int8,
                                                  DepthwiseFloatCompute float32 = nullptr);

// How an int8 depthwise compute walks the output (see WindowOverlap): all
// channels of a pixel before the next pixel, once per group of channels with
// the groups apart (each reading only its own input channels), or neither.
enum class DepthwiseWalk : uint8_t { kPixels, kChannelGroups, kOther };
// `pixels` receives the output pixels in flight (WindowOverlap::pixels).
using DepthwiseInt8WalkOf = DepthwiseWalk (*)(const DepthwiseParams& d, const DepthwiseShape& s,
                                              int32_t* pixels);
// DepthwiseConv2DInt8's walk.
DepthwiseWalk DepthwiseInt8Walk(const DepthwiseParams& d, const DepthwiseShape& s, int32_t* pixels);
// The WindowOverlap of an optimized DEPTHWISE_CONV_2D registration whose int8
// compute walks as `int8_walk` says (every other kind runs the reference).
bool DepthwiseOverlapWith(OpContext& ctx, WindowOverlap* out, DepthwiseInt8WalkOf int8_walk);
// The RowWindow of the optimized DEPTHWISE_CONV_2D kernels (their operator data).
bool DepthwiseRowWindowOpt(OpContext& ctx, RowWindow* out);

}  // namespace arm
}  // namespace microml

#endif  // MICROML_KERNELS_ARM_DEPTHWISE_CONV2D_H_
