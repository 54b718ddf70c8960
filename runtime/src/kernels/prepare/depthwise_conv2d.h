// Shared prepare of DEPTHWISE_CONV_2D (NHWC input, 1HWO filter with O = input
// depth * depth multiplier; output channel c reads input channel c /
// multiplier) and its reference computes.
#ifndef MICROML_KERNELS_PREPARE_DEPTHWISE_CONV2D_H_
#define MICROML_KERNELS_PREPARE_DEPTHWISE_CONV2D_H_

#include <stdint.h>

#include "kernels/conv_common.h"
#include "microml/kernel.h"

namespace microml {

enum class DepthwiseKind : uint8_t { kFloat, kInt8, kInt8Int4, kInt16 };

struct DepthwiseParams : conv::QuantParams {
  int32_t stride_h;
  int32_t stride_w;
  int32_t dilation_h;
  int32_t dilation_w;
  int32_t pad_h;
  int32_t pad_w;
  int32_t multiplier;
  DepthwiseKind kind;
};

struct DepthwiseShape {
  int32_t batches, in_h, in_w, in_c, f_h, f_w, out_h, out_w, out_c;
};

inline DepthwiseShape DepthwiseShapeOf(const Tensor& input, const Tensor& filter,
                                       const Tensor& output) {
  return DepthwiseShape{input.dims[0],  input.dims[1],  input.dims[2],
                        input.dims[3],  filter.dims[1], filter.dims[2],
                        output.dims[1], output.dims[2], output.dims[3]};
}

// Validates the operator and allocates its DepthwiseParams as the op data:
// the prepare of both registrations.
Status DepthwiseConv2DPrepare(OpContext& ctx);

// The reference computes' WindowOverlap: one output pixel at a time.
bool DepthwiseConv2DOverlap(OpContext& ctx, WindowOverlap* out);

// The RowWindow of the reference DEPTHWISE_CONV_2D kernel.
bool DepthwiseConv2DRowWindow(OpContext& ctx, RowWindow* out);

namespace reference {

void DepthwiseConv2DFloat(const DepthwiseParams& d, const DepthwiseShape& s, const float* input,
                          const float* filter, const float* bias, float* output);
void DepthwiseConv2DInt8(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                         const int8_t* filter, const int32_t* bias, int8_t* output);
// Filter of packed signed 4-bit values, two a byte, the first in the low nibble.
void DepthwiseConv2DInt8Int4(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                             const uint8_t* filter, const int32_t* bias, int8_t* output);
void DepthwiseConv2DInt16(const DepthwiseParams& d, const DepthwiseShape& s, const int16_t* input,
                          const int8_t* filter, const int64_t* bias, int16_t* output);

// Runs whichever compute the prepared kind calls for.
Status DepthwiseConv2DEval(OpContext& ctx);
// The same with the params given (for registrations whose op data holds more).
Status DepthwiseConv2DEvalWith(OpContext& ctx, const DepthwiseParams& d);

}  // namespace reference

}  // namespace microml

#endif  // MICROML_KERNELS_PREPARE_DEPTHWISE_CONV2D_H_
