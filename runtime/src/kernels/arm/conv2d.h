// Optimized int8 CONV_2D compute (Helium, Arm DSP or portable) on the int8
// GEMM core: 1x1 filters multiply the input directly, others a few im2col rows
// at a time.
#ifndef MICROML_KERNELS_ARM_CONV2D_H_
#define MICROML_KERNELS_ARM_CONV2D_H_

#include <stddef.h>
#include <stdint.h>

#include "kernels/prepare/conv2d.h"

namespace microml {
namespace arm {

// Whether Conv2DInt8 computes this shape itself: ungrouped convolutions.
bool Conv2DInt8Covers(const Conv2DShape& s);

// One im2col row: the filter window of output pixel (oy, ox) of one image,
// in filter order, with `pad_value` (the input zero point) where the window
// leaves the input (it contributes zero once the offset is added, as the
// reference's skipped taps do).
void FillIm2colRow(const Conv2DParams& d, const Conv2DShape& s, const int8_t* image, int32_t oy,
                   int32_t ox, int8_t pad_value, int8_t* row);

// Bytes of scratch Conv2DInt8 needs (0: none).
size_t Conv2DInt8ScratchBytes(const Conv2DParams& d, const Conv2DShape& s);

// Same result as reference::Conv2DInt8 (shapes it does not cover go to the
// reference compute). `scratch` holds Conv2DInt8ScratchBytes.
void Conv2DInt8(const Conv2DParams& d, const Conv2DShape& s, const int8_t* input,
                const int8_t* filter, const int32_t* bias, int8_t* scratch, int8_t* output);

// Whether a 1x1 filter reads the input rows in place (no padding): the GEMM
// takes them directly, strided by the stride, with no im2col.
bool Conv2DIsDirect1x1(const Conv2DParams& d, const Conv2DShape& s);

// The glue of every optimized CONV_2D registration (this one and x86's): the
// shared prepare plus the scratch Conv2DInt8ScratchBytes asks for, and an eval
// that runs `int8` (a compute with Conv2DInt8's contract) for int8, `float32`
// (reference::Conv2DFloat's contract) for float32 when given, and the
// reference for every other kind.
using Conv2DInt8Compute = void (*)(const Conv2DParams& d, const Conv2DShape& s, const int8_t* input,
                                   const int8_t* filter, const int32_t* bias, int8_t* scratch,
                                   int8_t* output);
using Conv2DFloatCompute = void (*)(const Conv2DParams& d, const Conv2DShape& s, const float* input,
                                    const float* filter, const float* bias, float* output);
[[nodiscard]] Status PrepareConv2DOptimized(OpContext& ctx);
[[nodiscard]] Status EvalConv2DOptimized(OpContext& ctx, Conv2DInt8Compute int8,
                                         Conv2DFloatCompute float32 = nullptr);

// Output pixels Conv2DInt8 has in flight (WindowOverlap::pixels) for this
// shape; 0 when it reads input after writing far ahead of it.
int32_t Conv2DInt8Pixels(const Conv2DParams& d, const Conv2DShape& s);
// The WindowOverlap of an optimized CONV_2D registration whose int8 compute
// has `int8_pixels` in flight (every other kind runs the reference compute).
using Conv2DInt8PixelCount = int32_t (*)(const Conv2DParams& d, const Conv2DShape& s);
bool Conv2DOverlapWith(OpContext& ctx, WindowOverlap* out, Conv2DInt8PixelCount int8_pixels);
// The RowWindow of the optimized CONV_2D kernels (their operator data).
bool Conv2DRowWindowOpt(OpContext& ctx, RowWindow* out);

}  // namespace arm
}  // namespace microml

#endif  // MICROML_KERNELS_ARM_CONV2D_H_
