// CONV_2D: NHWC input, OHWI filter, optional bias per output channel. When the
// filter's input depth is a divisor of the input depth the convolution is
// grouped, as in TFLM's reference kernel.
#include <stdint.h>

#include "kernels/conv_common.h"
#include "kernels/padding.h"
#include "microml/kernels.h"

namespace microml {
namespace {

// Conv2DOptions field indices.
constexpr int kPaddingField = 0;
constexpr int kStrideWField = 1;
constexpr int kStrideHField = 2;
constexpr int kActivationField = 3;
constexpr int kDilationWField = 4;
constexpr int kDilationHField = 5;

enum class Kind : uint8_t { kFloat, kInt8, kInt8Int4, kInt16Bias32, kInt16Bias64 };

struct OpData {
  conv::ChannelScales scales;
  int32_t input_offset;
  int32_t output_offset;
  int32_t act_min;
  int32_t act_max;
  float float_min;
  float float_max;
  int32_t stride_h;
  int32_t stride_w;
  int32_t dilation_h;
  int32_t dilation_w;
  int32_t pad_h;
  int32_t pad_w;
  Kind kind;
};

struct Shape {
  int32_t batches, in_h, in_w, in_c, f_h, f_w, f_c, out_h, out_w, out_c;
};

Shape ReadShape(const Tensor& input, const Tensor& filter, const Tensor& output) {
  return Shape{input.dims[0],  input.dims[1],  input.dims[2],  input.dims[3],  filter.dims[1],
               filter.dims[2], filter.dims[3], output.dims[1], output.dims[2], output.dims[3]};
}

Status PrepareQuantized(OpContext& ctx, const Tensor& input, const Tensor& filter,
                        const Tensor* bias, Activation activation, OpData* data) {
  const TensorType type = input.type;
  if (type == TensorType::kINT8) {
    if (filter.type != TensorType::kINT8 && filter.type != TensorType::kINT4) {
      return ctx.FailUnsupportedTypes();
    }
    if (bias != nullptr && bias->type != TensorType::kINT32) {
      return conv::FailBiasType(ctx, bias, &input);
    }
    data->kind = filter.type == TensorType::kINT4 ? Kind::kInt8Int4 : Kind::kInt8;
  } else {
    if (filter.type != TensorType::kINT8) return ctx.FailUnsupportedTypes();
    if (bias != nullptr && bias->type != TensorType::kINT32 && bias->type != TensorType::kINT64) {
      return conv::FailBiasType(ctx, bias, &input);
    }
    data->kind = bias != nullptr && bias->type == TensorType::kINT32 ? Kind::kInt16Bias32
                                                                     : Kind::kInt16Bias64;
  }
  conv::ActivationQuant in_q = {};
  conv::ActivationQuant out_q = {};
  VectorRef<float> filter_scales;
  MICROML_RETURN_IF_ERROR(conv::ReadActivationQuant(ctx, ctx.input_ref(0), type, "input", &in_q));
  MICROML_RETURN_IF_ERROR(
      conv::ReadActivationQuant(ctx, ctx.output_ref(0), type, "output", &out_q));
  MICROML_RETURN_IF_ERROR(
      conv::ReadFilterScales(ctx, ctx.input_ref(1), filter.dims[0], 0, true, &filter_scales));
  MICROML_RETURN_IF_ERROR(conv::ComputeChannelScales(ctx, in_q.scale, filter_scales, out_q.scale,
                                                     data->kind == Kind::kInt16Bias64,
                                                     &data->scales));
  data->input_offset = -in_q.zero_point;
  data->output_offset = out_q.zero_point;
  return conv::QuantizedRange(ctx, activation, out_q, type, &data->act_min, &data->act_max);
}

Status Prepare(OpContext& ctx) {
  if (ctx.num_inputs() < 2 || ctx.num_inputs() > 3 || ctx.num_outputs() != 1) {
    return ctx.Fail(Status::kInvalidModel, "expected 2 or 3 inputs and 1 output, got %d and %d",
                    ctx.num_inputs(), ctx.num_outputs());
  }
  const Tensor* input = ctx.input(0);
  const Tensor* filter = ctx.input(1);
  const Tensor* bias = ctx.input(2);
  const Tensor* output = ctx.output(0);
  if (input == nullptr || filter == nullptr || output == nullptr) {
    return ctx.Fail(Status::kInvalidModel, "input, filter and output are required");
  }
  if (ctx.options_type() != OptionsType::kConv2DOptions) {
    return ctx.Fail(Status::kInvalidModel, "missing Conv2DOptions");
  }
  const TableRef options = ctx.options();
  const int8_t padding = options.GetInt8(kPaddingField, 0);
  OpData params = {};
  params.stride_w = options.GetInt32(kStrideWField, 0);
  params.stride_h = options.GetInt32(kStrideHField, 0);
  params.dilation_w = options.GetInt32(kDilationWField, 1);
  params.dilation_h = options.GetInt32(kDilationHField, 1);
  if (padding != 0 && padding != 1) {
    return ctx.Fail(Status::kInvalidModel, "unknown padding %d", static_cast<int>(padding));
  }
  if (params.stride_w < 1 || params.stride_h < 1 || params.dilation_w < 1 ||
      params.dilation_h < 1) {
    return ctx.Fail(Status::kInvalidModel, "stride %dx%d and dilation %dx%d must be positive",
                    static_cast<int>(params.stride_h), static_cast<int>(params.stride_w),
                    static_cast<int>(params.dilation_h), static_cast<int>(params.dilation_w));
  }
  Activation activation = Activation::kNone;
  MICROML_RETURN_IF_ERROR(
      conv::ReadActivation(ctx, options.GetInt8(kActivationField, 0), &activation));

  const TensorType type = input->type;
  if (output->type != type ||
      (type != TensorType::kFLOAT32 && type != TensorType::kINT8 && type != TensorType::kINT16)) {
    return ctx.FailUnsupportedTypes();
  }
  int64_t count = 0;
  MICROML_RETURN_IF_ERROR(conv::CheckTensor(ctx, input, "input", 4, &count));
  MICROML_RETURN_IF_ERROR(conv::CheckTensor(ctx, filter, "filter", 4, &count));
  MICROML_RETURN_IF_ERROR(conv::CheckTensor(ctx, output, "output", 4, &count));
  const Shape s = ReadShape(*input, *filter, *output);
  const int32_t filter_count = filter->dims[0];
  if (s.in_c % s.f_c != 0) {
    return ctx.Fail(Status::kInvalidModel, "input depth %d is not a multiple of filter depth %d",
                    static_cast<int>(s.in_c), static_cast<int>(s.f_c));
  }
  const int32_t groups = s.in_c / s.f_c;
  if (filter_count % groups != 0) {
    return ctx.Fail(Status::kInvalidModel, "%d filters do not split into %d groups",
                    static_cast<int>(filter_count), static_cast<int>(groups));
  }
  const Padding pad = static_cast<Padding>(padding);
  const int32_t out_h = WindowOutputSize(pad, s.in_h, s.f_h, params.stride_h, params.dilation_h);
  const int32_t out_w = WindowOutputSize(pad, s.in_w, s.f_w, params.stride_w, params.dilation_w);
  if (out_h < 1 || out_w < 1) {
    return ctx.Fail(Status::kInvalidModel, "filter %dx%d does not fit input %dx%d",
                    static_cast<int>(s.f_h), static_cast<int>(s.f_w), static_cast<int>(s.in_h),
                    static_cast<int>(s.in_w));
  }
  if (output->dims[0] != s.batches || s.out_h != out_h || s.out_w != out_w ||
      s.out_c != filter_count) {
    return ctx.Fail(Status::kInvalidModel, "output shape [%d,%d,%d,%d], expected [%d,%d,%d,%d]",
                    static_cast<int>(output->dims[0]), static_cast<int>(s.out_h),
                    static_cast<int>(s.out_w), static_cast<int>(s.out_c),
                    static_cast<int>(s.batches), static_cast<int>(out_h), static_cast<int>(out_w),
                    static_cast<int>(filter_count));
  }
  int32_t extra = 0;
  params.pad_h = WindowPadding(params.stride_h, params.dilation_h, s.in_h, s.f_h, out_h, &extra);
  params.pad_w = WindowPadding(params.stride_w, params.dilation_w, s.in_w, s.f_w, out_w, &extra);
  MICROML_RETURN_IF_ERROR(conv::CheckWindowExtent(ctx, "vertical", out_h, params.stride_h,
                                                  params.pad_h, s.f_h, params.dilation_h));
  MICROML_RETURN_IF_ERROR(conv::CheckWindowExtent(ctx, "horizontal", out_w, params.stride_w,
                                                  params.pad_w, s.f_w, params.dilation_w));
  MICROML_RETURN_IF_ERROR(conv::CheckBias(ctx, bias, filter_count));

  OpData* data = ctx.AllocatePersistent<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  *data = params;
  if (type == TensorType::kFLOAT32) {
    if (filter->type != TensorType::kFLOAT32) return ctx.FailUnsupportedTypes();
    if (bias != nullptr && bias->type != TensorType::kFLOAT32) {
      return conv::FailBiasType(ctx, bias, input);
    }
    data->kind = Kind::kFloat;
    FloatActivationRange(activation, &data->float_min, &data->float_max);
  } else {
    MICROML_RETURN_IF_ERROR(PrepareQuantized(ctx, *input, *filter, bias, activation, data));
  }
  ctx.set_op_data(data);
  return Status::kOk;
}

void EvalFloat(const OpData& d, const Shape& s, const float* input, const float* filter,
               const float* bias, float* output) {
  const int32_t filters_per_group = s.out_c / (s.in_c / s.f_c);
  for (int32_t b = 0; b < s.batches; ++b) {
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      const int32_t y0 = oy * d.stride_h - d.pad_h;
      for (int32_t ox = 0; ox < s.out_w; ++ox) {
        const int32_t x0 = ox * d.stride_w - d.pad_w;
        for (int32_t oc = 0; oc < s.out_c; ++oc) {
          const int32_t in_c0 = (oc / filters_per_group) * s.f_c;
          float total = 0.0f;
          for (int32_t fy = 0; fy < s.f_h; ++fy) {
            const int32_t iy = y0 + d.dilation_h * fy;
            if (iy < 0 || iy >= s.in_h) continue;
            for (int32_t fx = 0; fx < s.f_w; ++fx) {
              const int32_t ix = x0 + d.dilation_w * fx;
              if (ix < 0 || ix >= s.in_w) continue;
              const float* in = input + ((b * s.in_h + iy) * s.in_w + ix) * s.in_c + in_c0;
              const float* w = filter + ((oc * s.f_h + fy) * s.f_w + fx) * s.f_c;
              for (int32_t ic = 0; ic < s.f_c; ++ic) total += in[ic] * w[ic];
            }
          }
          const float bias_value = bias != nullptr ? bias[oc] : 0.0f;
          output[((b * s.out_h + oy) * s.out_w + ox) * s.out_c + oc] =
              ClampFloat(total + bias_value, d.float_min, d.float_max);
        }
      }
    }
  }
}

// Acc is TFLM's accumulator type: int32 for int8, and for int16 the bias type
// (int64 without bias).
template <typename In, typename Weights, typename Acc>
void EvalQuantized(const OpData& d, const Shape& s, const In* input, Weights filter,
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
                acc =
                    WrappingAdd(acc, static_cast<Acc>(filter[w0 + ic]) * (in[ic] + d.input_offset));
              }
            }
          }
          if (bias != nullptr) acc = WrappingAdd(acc, bias[oc]);
          const int32_t k = oc * d.scales.step;
          const int32_t scaled =
              MultiplyByQuantizedMultiplier(acc, d.scales.multiplier[k], d.scales.shift[k]);
          output[((b * s.out_h + oy) * s.out_w + ox) * s.out_c + oc] =
              Clamp<In>(WrappingAdd(scaled, d.output_offset), d.act_min, d.act_max);
        }
      }
    }
  }
}

Status Eval(OpContext& ctx) {
  const OpData& d = *ctx.op_data_as<OpData>();
  const Tensor& input = *ctx.input(0);
  const Tensor& filter = *ctx.input(1);
  const Tensor* bias = ctx.input(2);
  const Tensor& output = *ctx.output(0);
  const Shape s = ReadShape(input, filter, output);
  const void* b = bias != nullptr ? bias->data : nullptr;
  switch (d.kind) {
    case Kind::kFloat:
      EvalFloat(d, s, input.data_as<const float>(), filter.data_as<const float>(),
                static_cast<const float*>(b), output.data_as<float>());
      break;
    case Kind::kInt8:
      EvalQuantized(d, s, input.data_as<const int8_t>(),
                    conv::Int8Weights{filter.data_as<const int8_t>()},
                    static_cast<const int32_t*>(b), output.data_as<int8_t>());
      break;
    case Kind::kInt8Int4:
      EvalQuantized(d, s, input.data_as<const int8_t>(),
                    conv::Int4Weights{filter.data_as<const uint8_t>()},
                    static_cast<const int32_t*>(b), output.data_as<int8_t>());
      break;
    case Kind::kInt16Bias32:
      EvalQuantized(d, s, input.data_as<const int16_t>(),
                    conv::Int8Weights{filter.data_as<const int8_t>()},
                    static_cast<const int32_t*>(b), output.data_as<int16_t>());
      break;
    case Kind::kInt16Bias64:
      EvalQuantized(d, s, input.data_as<const int16_t>(),
                    conv::Int8Weights{filter.data_as<const int8_t>()},
                    static_cast<const int64_t*>(b), output.data_as<int16_t>());
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterConv2D = {
    static_cast<int32_t>(BuiltinOp::kCONV_2D), nullptr, 8, Prepare, Eval, nullptr,
    "float32 int8 int8_int4 int16 int16_b32"};

}  // namespace microml
