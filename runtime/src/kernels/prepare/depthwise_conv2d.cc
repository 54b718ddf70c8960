// DEPTHWISE_CONV_2D's one prepare, shared by the reference and the optimized
// registration.
#include "kernels/prepare/depthwise_conv2d.h"

#include "kernels/prepare/window_op.h"

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
    MICROML_RETURN_IF_ERROR(conv::CheckInt8Operands(ctx, input, filter, bias));
    data->kind = filter.type == TensorType::kINT4 ? DepthwiseKind::kInt8Int4 : DepthwiseKind::kInt8;
  } else {
    // TFLM reads a 16x8 depthwise bias as int64 whatever its declared type.
    MICROML_RETURN_IF_ERROR(conv::CheckInt16Operands(ctx, input, filter, bias, false));
    data->kind = DepthwiseKind::kInt16;
  }
  return conv::PrepareChannelQuant(ctx, 0, 1, type, filter.dims[3], 3,
                                   data->kind == DepthwiseKind::kInt16, activation, data);
}

}  // namespace

bool DepthwiseConv2DOverlap(OpContext& ctx, WindowOverlap* out) {
  const DepthwiseParams& d = *ctx.op_data_as<DepthwiseParams>();
  *out = {d.stride_h, d.pad_h, 1, false};
  return true;
}

bool DepthwiseConv2DRowWindow(OpContext& ctx, RowWindow* out) {
  return conv::FilterRowWindow(*ctx.op_data_as<DepthwiseParams>(), *ctx.input(1), out);
}

Status DepthwiseConv2DPrepare(OpContext& ctx) {
  conv::Window window = {};
  MICROML_RETURN_IF_ERROR(conv::PrepareWindowOp(ctx, OptionsType::kDepthwiseConv2DOptions,
                                                "DepthwiseConv2DOptions", kFields, &window));
  const Tensor* input = ctx.input(0);
  const Tensor* filter = ctx.input(1);
  const Tensor* bias = ctx.input(2);
  const Tensor* output = ctx.output(0);
  DepthwiseParams params = {};
  conv::CopyStrides(window, &params);
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
  MICROML_RETURN_IF_ERROR(conv::PrepareWindowGeometry(ctx, window, *input, *filter, *output, bias,
                                                      channels, &params.pad_h, &params.pad_w));

  return conv::StoreParams(ctx, params, *input, *filter, bias, window.activation,
                           DepthwiseKind::kFloat, PrepareQuantized);
}

}  // namespace microml
