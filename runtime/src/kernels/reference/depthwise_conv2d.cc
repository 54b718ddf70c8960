// DEPTHWISE_CONV_2D reference computes, bit-exact with TFLM's reference kernels.
#include "kernels/prepare/depthwise_conv2d.h"

#include <stdint.h>

#include "kernels/reference/conv_compute.h"
#include "microml/kernels.h"

namespace microml {
namespace {

// Acc is TFLM's accumulator type: float for float, int32 for int8 input,
// int64 for int16.
template <typename In, typename Weights, typename Acc>
void Convolve(const DepthwiseParams& d, const DepthwiseShape& s, const In* input, Weights filter,
              const Acc* bias, In* output) {
  for (int32_t b = 0; b < s.batches; ++b) {
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      const int32_t y0 = oy * d.stride_h - d.pad_h;
      for (int32_t ox = 0; ox < s.out_w; ++ox) {
        const int32_t x0 = ox * d.stride_w - d.pad_w;
        for (int32_t oc = 0; oc < s.out_c; ++oc) {
          const int32_t ic = oc / d.multiplier;
          Acc acc = 0;
          for (int32_t fy = 0; fy < s.f_h; ++fy) {
            const int32_t iy = y0 + d.dilation_h * fy;
            if (iy < 0 || iy >= s.in_h) continue;
            for (int32_t fx = 0; fx < s.f_w; ++fx) {
              const int32_t ix = x0 + d.dilation_w * fx;
              if (ix < 0 || ix >= s.in_w) continue;
              acc = conv::Accumulate(acc, input[((b * s.in_h + iy) * s.in_w + ix) * s.in_c + ic],
                                     filter[(fy * s.f_w + fx) * s.out_c + oc], d.input_offset);
            }
          }
          output[((b * s.out_h + oy) * s.out_w + ox) * s.out_c + oc] =
              conv::OutputValue<In>(d, acc, bias, oc);
        }
      }
    }
  }
}

}  // namespace

namespace reference {

void DepthwiseConv2DFloat(const DepthwiseParams& d, const DepthwiseShape& s, const float* input,
                          const float* filter, const float* bias, float* output) {
  Convolve(d, s, input, filter, bias, output);
}

void DepthwiseConv2DInt8(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                         const int8_t* filter, const int32_t* bias, int8_t* output) {
  Convolve(d, s, input, conv::Int8Weights{filter}, bias, output);
}

void DepthwiseConv2DInt8Int4(const DepthwiseParams& d, const DepthwiseShape& s, const int8_t* input,
                             const uint8_t* filter, const int32_t* bias, int8_t* output) {
  Convolve(d, s, input, conv::Int4Weights{filter}, bias, output);
}

void DepthwiseConv2DInt16(const DepthwiseParams& d, const DepthwiseShape& s, const int16_t* input,
                          const int8_t* filter, const int64_t* bias, int16_t* output) {
  Convolve(d, s, input, conv::Int8Weights{filter}, bias, output);
}

Status DepthwiseConv2DEval(OpContext& ctx) {
  return DepthwiseConv2DEvalWith(ctx, *ctx.op_data_as<DepthwiseParams>());
}

Status DepthwiseConv2DEvalWith(OpContext& ctx, const DepthwiseParams& d) {
  const Tensor& input = *ctx.input(0);
  const Tensor& filter = *ctx.input(1);
  const Tensor* bias = ctx.input(2);
  const Tensor& output = *ctx.output(0);
  const DepthwiseShape s = DepthwiseShapeOf(input, filter, output);
  const void* b = bias != nullptr ? bias->data : nullptr;
  switch (d.kind) {
    case DepthwiseKind::kFloat:
      DepthwiseConv2DFloat(d, s, input.data_as<const float>(), filter.data_as<const float>(),
                           static_cast<const float*>(b), output.data_as<float>());
      break;
    case DepthwiseKind::kInt8:
      DepthwiseConv2DInt8(d, s, input.data_as<const int8_t>(), filter.data_as<const int8_t>(),
                          static_cast<const int32_t*>(b), output.data_as<int8_t>());
      break;
    case DepthwiseKind::kInt8Int4:
      DepthwiseConv2DInt8Int4(d, s, input.data_as<const int8_t>(), filter.data_as<const uint8_t>(),
                              static_cast<const int32_t*>(b), output.data_as<int8_t>());
      break;
    case DepthwiseKind::kInt16:
      DepthwiseConv2DInt16(d, s, input.data_as<const int16_t>(), filter.data_as<const int8_t>(),
                           static_cast<const int64_t*>(b), output.data_as<int16_t>());
      break;
  }
  return Status::kOk;
}

}  // namespace reference

const KernelRegistration kRegisterDepthwiseConv2D = {
    static_cast<int32_t>(BuiltinOp::kDEPTHWISE_CONV_2D),
    nullptr,
    7,
    DepthwiseConv2DPrepare,
    reference::DepthwiseConv2DEval,
    nullptr,
    "float32 int8 int8_int4 int16",
    0,
    DepthwiseConv2DOverlap,
    DepthwiseConv2DRowWindow};

}  // namespace microml
