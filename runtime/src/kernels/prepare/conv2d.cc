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
    MICROML_RETURN_IF_ERROR(conv::CheckInt8Operands(ctx, input, filter, bias));
    data->kind = filter.type == TensorType::kINT4 ? Conv2DKind::kInt8Int4 : Conv2DKind::kInt8;
  } else {
    MICROML_RETURN_IF_ERROR(conv::CheckInt16Operands(ctx, input, filter, bias, true));
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
  conv::CopyStrides(window, &params);
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

  return conv::StoreParams(ctx, params, *input, *filter, bias, window.activation,
                           Conv2DKind::kFloat, PrepareQuantized, out);
}

bool Conv2DOverlap(OpContext& ctx, WindowOverlap* out) {
  const Conv2DParams& d = *ctx.op_data_as<Conv2DParams>();
  *out = {d.stride_h, d.pad_h, 1, false};
  return true;
}

bool Conv2DRowWindow(OpContext& ctx, RowWindow* out) {
  return conv::FilterRowWindow(*ctx.op_data_as<Conv2DParams>(), *ctx.input(1), out);
}

Status Conv2DPrepare(OpContext& ctx) {
  Conv2DParams* params = nullptr;
  return PrepareConv2D(ctx, &params);
}

}  // namespace microml
