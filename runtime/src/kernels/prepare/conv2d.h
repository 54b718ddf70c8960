// Shared prepare of CONV_2D (NHWC input, OHWI filter, optional bias per output
// channel; when the filter's input depth is a divisor of the input depth the
// convolution is grouped, as in TFLM's reference kernel) and its reference
// computes.
#ifndef MICROML_KERNELS_PREPARE_CONV2D_H_
#define MICROML_KERNELS_PREPARE_CONV2D_H_

#include <stdint.h>

#include "kernels/conv_common.h"
#include "microml/kernel.h"

namespace microml {

enum class Conv2DKind : uint8_t { kFloat, kInt8, kInt8Int4, kInt16Bias32, kInt16Bias64 };

struct Conv2DParams : conv::QuantParams {
  int32_t stride_h;
  int32_t stride_w;
  int32_t dilation_h;
  int32_t dilation_w;
  int32_t pad_h;
  int32_t pad_w;
  Conv2DKind kind;
};

struct Conv2DShape {
  int32_t batches, in_h, in_w, in_c, f_h, f_w, f_c, out_h, out_w, out_c;
};

inline Conv2DShape Conv2DShapeOf(const Tensor& input, const Tensor& filter, const Tensor& output) {
  return Conv2DShape{input.dims[0],  input.dims[1],  input.dims[2],  input.dims[3],
                     filter.dims[1], filter.dims[2], filter.dims[3], output.dims[1],
                     output.dims[2], output.dims[3]};
}

// Validates the operator and allocates its Conv2DParams as the op data.
Status PrepareConv2D(OpContext& ctx, Conv2DParams** out);

// The prepare of the reference registration.
Status Conv2DPrepare(OpContext& ctx);

// The reference computes' WindowOverlap: one output pixel at a time.
bool Conv2DOverlap(OpContext& ctx, WindowOverlap* out);

// The RowWindow of the reference CONV_2D kernel.
bool Conv2DRowWindow(OpContext& ctx, RowWindow* out);

namespace reference {

void Conv2DFloat(const Conv2DParams& d, const Conv2DShape& s, const float* input,
                 const float* filter, const float* bias, float* output);
void Conv2DInt8(const Conv2DParams& d, const Conv2DShape& s, const int8_t* input,
                const int8_t* filter, const int32_t* bias, int8_t* output);
// Filter of packed signed 4-bit values, two a byte, the first in the low nibble.
void Conv2DInt8Int4(const Conv2DParams& d, const Conv2DShape& s, const int8_t* input,
                    const uint8_t* filter, const int32_t* bias, int8_t* output);
void Conv2DInt16(const Conv2DParams& d, const Conv2DShape& s, const int16_t* input,
                 const int8_t* filter, const int32_t* bias, int16_t* output);
// Without bias too (TFLM's 64-bit accumulator).
void Conv2DInt16Bias64(const Conv2DParams& d, const Conv2DShape& s, const int16_t* input,
                       const int8_t* filter, const int64_t* bias, int16_t* output);

// Runs whichever compute the prepared kind calls for.
Status Conv2DEval(OpContext& ctx);
// The same with the params given (for registrations whose op data holds more).
Status Conv2DEvalWith(OpContext& ctx, const Conv2DParams& d);

}  // namespace reference

}  // namespace microml

#endif  // MICROML_KERNELS_PREPARE_CONV2D_H_
