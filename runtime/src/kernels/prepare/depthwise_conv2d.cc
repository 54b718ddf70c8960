// DEPTHWISE_CONV_2D's one prepare, shared by the reference and the optimized
// registration.
#include "kernels/prepare/depthwise_conv2d.h"

#include "kernels/padding.h"

namespace microml {
namespace {

// DepthwiseConv2DOptions field indices: the depth multiplier, and padding,
// stride w, stride h, fused activation, dilation w, dilation h.
constexpr int kDepthMultiplierField = 3;
constexpr conv::WindowFields kFields = {0, 1, 2, 4, 5, 6};

Status PrepareQuantized(OpContext& ctx, const Tensor& input, const Tensor& filter,
                        const Tensor* bias, Activation activation, DepthwiseParams* data) {
  const TensorType type = input.type;
  if (type == TensorType::kINT8) {
    if (filter.type != TensorType::kINT8 && filter.type != TensorType::kINT4) {
      return ctx.FailUnsupportedTypes();
    }
    if (bias != nullptr && bias->type != TensorType::kINT32) {
      return conv::FailBiasType(ctx, bias, &input);
    }
    data->kind = filter.type == TensorType::kINT4 ? DepthwiseKind::kInt8Int4 : DepthwiseKind::kInt8;
  } else {
    if (filter.type != TensorType::kINT8) return ctx.FailUnsupportedTypes();
    // TFLM reads a 16x8 depthwise bias as int64 whatever its declared type.
    if (bias != nullptr && bias->type != TensorType::kINT64) {
      return conv::FailBiasType(ctx, bias, &input);
    }
    data->kind = DepthwiseKind::kInt16;
  }
  conv::ActivationQuant in_q = {};
  conv::ActivationQuant out_q = {};
  VectorRef<float> filter_scales;
  MICROML_RETURN_IF_ERROR(conv::ReadActivationQuant(ctx, ctx.input_ref(0), type, "input", &in_q));
  MICROML_RETURN_IF_ERROR(
      conv::ReadActivationQuant(ctx, ctx.output_ref(0), type, "output", &out_q));
  MICROML_RETURN_IF_ERROR(
      conv::ReadFilterScales(ctx, ctx.input_ref(1), filter.dims[3], 3, true, &filter_scales));
  MICROML_RETURN_IF_ERROR(conv::ComputeChannelScales(ctx, in_q.scale, filter_scales, out_q.scale,
                                                     data->kind == DepthwiseKind::kInt16,
                                                     &data->scales));
  data->input_offset = -in_q.zero_point;
  data->output_offset = out_q.zero_point;
  return conv::QuantizedRange(ctx, activation, out_q, type, &data->act_min, &data->act_max);
}

}  // namespace

Status DepthwiseConv2DPrepare(OpContext& ctx) {
  conv::Window window = {};
  MICROML_RETURN_IF_ERROR(conv::PrepareWindowOp(ctx, OptionsType::kDepthwiseConv2DOptions,
                                                "DepthwiseConv2DOptions", kFields, &window));
  const Tensor* input = ctx.input(0);
  const Tensor* filter = ctx.input(1);
  const Tensor* bias = ctx.input(2);
  const Tensor* output = ctx.output(0);
  const TensorType type = input->type;
  const int8_t padding = window.padding;
  const Activation activation = window.activation;
  DepthwiseParams params = {};
  params.stride_w = window.stride_w;
  params.stride_h = window.stride_h;
  params.dilation_w = window.dilation_w;
  params.dilation_h = window.dilation_h;
  params.multiplier = ctx.options().GetInt32(kDepthMultiplierField, 0);
  const DepthwiseShape s = DepthwiseShapeOf(*input, *filter, *output);
  const int32_t channels = filter->dims[3];
  if (filter->dims[0] != 1) {
    return ctx.Fail(Status::kInvalidModel, "filter dimension 0 is %d, expected 1",
                    static_cast<int>(filter->dims[0]));
  }
  if (static_cast<int64_t>(s.in_c) * params.multiplier != channels) {
    return ctx.Fail(Status::kInvalidModel,
                    "input depth %d times depth multiplier %d is not the filter depth %d",
                    static_cast<int>(s.in_c), static_cast<int>(params.multiplier),
                    static_cast<int>(channels));
  }
  const Padding pad = static_cast<Padding>(padding);
  const int32_t out_h = WindowOutputSize(pad, s.in_h, s.f_h, params.stride_h, params.dilation_h);
  const int32_t out_w = WindowOutputSize(pad, s.in_w, s.f_w, params.stride_w, params.dilation_w);
  if (out_h < 1 || out_w < 1) {
    return ctx.Fail(Status::kInvalidModel, "filter %dx%d does not fit input %dx%d",
                    static_cast<int>(s.f_h), static_cast<int>(s.f_w), static_cast<int>(s.in_h),
                    static_cast<int>(s.in_w));
  }
  if (output->dims[0] != s.batches || s.out_h != out_h || s.out_w != out_w || s.out_c != channels) {
    return ctx.Fail(Status::kInvalidModel, "output shape [%d,%d,%d,%d], expected [%d,%d,%d,%d]",
                    static_cast<int>(output->dims[0]), static_cast<int>(s.out_h),
                    static_cast<int>(s.out_w), static_cast<int>(s.out_c),
                    static_cast<int>(s.batches), static_cast<int>(out_h), static_cast<int>(out_w),
                    static_cast<int>(channels));
  }
  int32_t extra = 0;
  params.pad_h = WindowPadding(params.stride_h, params.dilation_h, s.in_h, s.f_h, out_h, &extra);
  params.pad_w = WindowPadding(params.stride_w, params.dilation_w, s.in_w, s.f_w, out_w, &extra);
  MICROML_RETURN_IF_ERROR(conv::CheckWindowExtent(ctx, "vertical", out_h, params.stride_h,
                                                  params.pad_h, s.f_h, params.dilation_h));
  MICROML_RETURN_IF_ERROR(conv::CheckWindowExtent(ctx, "horizontal", out_w, params.stride_w,
                                                  params.pad_w, s.f_w, params.dilation_w));
  MICROML_RETURN_IF_ERROR(conv::CheckBias(ctx, bias, channels));

  DepthwiseParams* data = ctx.AllocatePersistent<DepthwiseParams>();
  if (data == nullptr) return Status::kArenaTooSmall;
  *data = params;
  if (type == TensorType::kFLOAT32) {
    if (filter->type != TensorType::kFLOAT32) return ctx.FailUnsupportedTypes();
    if (bias != nullptr && bias->type != TensorType::kFLOAT32) {
      return conv::FailBiasType(ctx, bias, input);
    }
    data->kind = DepthwiseKind::kFloat;
    FloatActivationRange(activation, &data->float_min, &data->float_max);
  } else {
    MICROML_RETURN_IF_ERROR(PrepareQuantized(ctx, *input, *filter, bias, activation, data));
  }
  ctx.set_op_data(data);
  return Status::kOk;
}

}  // namespace microml
