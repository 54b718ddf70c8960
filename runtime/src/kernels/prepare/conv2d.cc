#include "kernels/prepare/conv2d.h"

#include "kernels/prepare/window_op.h"

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
  return conv::PrepareChannelQuant(ctx, 0, 1, type, filter.dims[0], 0,
                                   data->kind == Conv2DKind::kInt16Bias64, activation, data);
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
  MICROML_RETURN_IF_ERROR(conv::PrepareWindowGeometry(ctx, window, *input, *filter, *output, bias,
                                                      filter_count, &params.pad_h, &params.pad_w));

  Conv2DParams* data = ctx.AllocatePersistent<Conv2DParams>();
  if (data == nullptr) return Status::kArenaTooSmall;
  *data = params;
  if (input->type == TensorType::kFLOAT32) {
    data->kind = Conv2DKind::kFloat;
    MICROML_RETURN_IF_ERROR(
        conv::PrepareFloat(ctx, *input, *filter, bias, window.activation, data));
  } else {
    MICROML_RETURN_IF_ERROR(PrepareQuantized(ctx, *input, *filter, bias, window.activation, data));
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
