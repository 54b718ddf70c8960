#include "kernels/prepare/conv2d.h"

#include "kernels/padding.h"

namespace microml {
namespace {

// Conv2DOptions field indices: padding, stride w, stride h, fused activation,
// dilation w, dilation h.
constexpr conv::WindowFields kFields = {0, 1, 2, 3, 4, 5};

Status PrepareQuantized(OpContext& ctx, const Tensor& input, const Tensor& filter,
                        const Tensor* bias, Activation activation, Conv2DParams* data) {
  const TensorType type = input.type;
  if (type == TensorType::kINT8) {
    if (filter.type != TensorType::kINT8 && filter.type != TensorType::kINT4) {
      return ctx.FailUnsupportedTypes();
    }
    if (bias != nullptr && bias->type != TensorType::kINT32) {
      return conv::FailBiasType(ctx, bias, &input);
    }
    data->kind = filter.type == TensorType::kINT4 ? Conv2DKind::kInt8Int4 : Conv2DKind::kInt8;
  } else {
    if (filter.type != TensorType::kINT8) return ctx.FailUnsupportedTypes();
    if (bias != nullptr && bias->type != TensorType::kINT32 && bias->type != TensorType::kINT64) {
      return conv::FailBiasType(ctx, bias, &input);
    }
    data->kind = bias != nullptr && bias->type == TensorType::kINT32 ? Conv2DKind::kInt16Bias32
                                                                     : Conv2DKind::kInt16Bias64;
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
                                                     data->kind == Conv2DKind::kInt16Bias64,
                                                     &data->scales));
  data->input_offset = -in_q.zero_point;
  data->output_offset = out_q.zero_point;
  return conv::QuantizedRange(ctx, activation, out_q, type, &data->act_min, &data->act_max);
}

}  // namespace

Status PrepareConv2D(OpContext& ctx, Conv2DParams** out) {
  conv::Window window = {};
  MICROML_RETURN_IF_ERROR(
      conv::PrepareWindowOp(ctx, OptionsType::kConv2DOptions, "Conv2DOptions", kFields, &window));
  const Tensor* input = ctx.input(0);
  const Tensor* filter = ctx.input(1);
  const Tensor* bias = ctx.input(2);
  const Tensor* output = ctx.output(0);
  const TensorType type = input->type;
  const int8_t padding = window.padding;
  const Activation activation = window.activation;
  Conv2DParams params = {};
  params.stride_w = window.stride_w;
  params.stride_h = window.stride_h;
  params.dilation_w = window.dilation_w;
  params.dilation_h = window.dilation_h;
  const Conv2DShape s = Conv2DShapeOf(*input, *filter, *output);
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

  Conv2DParams* data = ctx.AllocatePersistent<Conv2DParams>();
  if (data == nullptr) return Status::kArenaTooSmall;
  *data = params;
  if (type == TensorType::kFLOAT32) {
    if (filter->type != TensorType::kFLOAT32) return ctx.FailUnsupportedTypes();
    if (bias != nullptr && bias->type != TensorType::kFLOAT32) {
      return conv::FailBiasType(ctx, bias, input);
    }
    data->kind = Conv2DKind::kFloat;
    FloatActivationRange(activation, &data->float_min, &data->float_max);
  } else {
    MICROML_RETURN_IF_ERROR(PrepareQuantized(ctx, *input, *filter, bias, activation, data));
  }
  ctx.set_op_data(data);
  *out = data;
  return Status::kOk;
}

Status Conv2DPrepare(OpContext& ctx) {
  Conv2DParams* params = nullptr;
  return PrepareConv2D(ctx, &params);
}

}  // namespace microml
