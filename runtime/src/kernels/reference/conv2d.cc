// CONV_2D reference computes, bit-exact with TFLM's reference kernel, and the
// reference registration.
#include "kernels/prepare/conv2d.h"

#include <stdint.h>

#include "kernels/reference/conv_compute.h"
#include "microml/kernels.h"

namespace microml {
namespace {

// Acc is TFLM's accumulator type: float for float, int32 for int8, and for
// int16 the bias type (int64 without bias).
template <typename In, typename Weights, typename Acc>
void Convolve(const Conv2DParams& d, const Conv2DShape& s, const In* input, Weights filter,
              const Acc* bias, In* output) {
  const int32_t filters_per_group = s.out_c / (s.in_c / s.f_c);
  for (int32_t b = 0; b < s.batches; ++b) {
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      const int32_t y0 = oy * d.stride_h - d.pad_h;
      for (int32_t ox = 0; ox < s.out_w; ++ox) {
        const int32_t x0 = ox * d.stride_w - d.pad_w;
        for (int32_t oc = 0; oc < s.out_c; ++oc) {
          const int32_t in_c0 = (oc / filters_per_group) * s.f_c;
          Acc acc = 0;
          for (int32_t fy = 0; fy < s.f_h; ++fy) {
            const int32_t iy = y0 + d.dilation_h * fy;
            if (iy < 0 || iy >= s.in_h) continue;
            for (int32_t fx = 0; fx < s.f_w; ++fx) {
              const int32_t ix = x0 + d.dilation_w * fx;
              if (ix < 0 || ix >= s.in_w) continue;
              const In* in = input + ((b * s.in_h + iy) * s.in_w + ix) * s.in_c + in_c0;
              const int32_t w0 = ((oc * s.f_h + fy) * s.f_w + fx) * s.f_c;
              for (int32_t ic = 0; ic < s.f_c; ++ic) {
                acc = conv::Accumulate(acc, in[ic], filter[w0 + ic], d.input_offset);
              }
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

void Conv2DFloat(const Conv2DParams& d, const Conv2DShape& s, const float* input,
                 const float* filter, const float* bias, float* output) {
  Convolve(d, s, input, filter, bias, output);
}

void Conv2DInt8(const Conv2DParams& d, const Conv2DShape& s, const int8_t* input,
                const int8_t* filter, const int32_t* bias, int8_t* output) {
  Convolve(d, s, input, conv::Int8Weights{filter}, bias, output);
}

void Conv2DInt8Int4(const Conv2DParams& d, const Conv2DShape& s, const int8_t* input,
                    const uint8_t* filter, const int32_t* bias, int8_t* output) {
  Convolve(d, s, input, conv::Int4Weights{filter}, bias, output);
}

void Conv2DInt16(const Conv2DParams& d, const Conv2DShape& s, const int16_t* input,
                 const int8_t* filter, const int32_t* bias, int16_t* output) {
  Convolve(d, s, input, conv::Int8Weights{filter}, bias, output);
}

void Conv2DInt16Bias64(const Conv2DParams& d, const Conv2DShape& s, const int16_t* input,
                       const int8_t* filter, const int64_t* bias, int16_t* output) {
  Convolve(d, s, input, conv::Int8Weights{filter}, bias, output);
}

Status Conv2DEval(OpContext& ctx) {
  return Conv2DEvalWith(ctx, *ctx.op_data_as<Conv2DParams>());
}

Status Conv2DEvalWith(OpContext& ctx, const Conv2DParams& d) {
  const Tensor& input = *ctx.input(0);
  const Tensor& filter = *ctx.input(1);
  const Tensor* bias = ctx.input(2);
  const Tensor& output = *ctx.output(0);
  const Conv2DShape s = Conv2DShapeOf(input, filter, output);
  const void* b = bias != nullptr ? bias->data : nullptr;
  switch (d.kind) {
    case Conv2DKind::kFloat:
      Conv2DFloat(d, s, input.data_as<const float>(), filter.data_as<const float>(),
                  static_cast<const float*>(b), output.data_as<float>());
      break;
    case Conv2DKind::kInt8:
      Conv2DInt8(d, s, input.data_as<const int8_t>(), filter.data_as<const int8_t>(),
                 static_cast<const int32_t*>(b), output.data_as<int8_t>());
      break;
    case Conv2DKind::kInt8Int4:
      Conv2DInt8Int4(d, s, input.data_as<const int8_t>(), filter.data_as<const uint8_t>(),
                     static_cast<const int32_t*>(b), output.data_as<int8_t>());
      break;
    case Conv2DKind::kInt16Bias32:
      Conv2DInt16(d, s, input.data_as<const int16_t>(), filter.data_as<const int8_t>(),
                  static_cast<const int32_t*>(b), output.data_as<int16_t>());
      break;
    case Conv2DKind::kInt16Bias64:
      Conv2DInt16Bias64(d, s, input.data_as<const int16_t>(), filter.data_as<const int8_t>(),
                        static_cast<const int64_t*>(b), output.data_as<int16_t>());
      break;
  }
  return Status::kOk;
}

}  // namespace reference

const KernelRegistration kRegisterConv2D = {static_cast<int32_t>(BuiltinOp::kCONV_2D),
                                            nullptr,
                                            8,
                                            Conv2DPrepare,
                                            reference::Conv2DEval,
                                            nullptr,
                                            "float32 int8 int8_int4 int16 int16_b32",
                                            0,
                                            Conv2DOverlap,
                                            Conv2DRowWindow};

}  // namespace microml
