// The prepare steps CONV_2D and DEPTHWISE_CONV_2D share: reading their
// sliding-window options and checking the window against the tensors.
#ifndef MICROML_KERNELS_PREPARE_WINDOW_OP_H_
#define MICROML_KERNELS_PREPARE_WINDOW_OP_H_

#include <stdint.h>

#include "kernels/conv_common.h"
#include "kernels/padding.h"
#include "microml/kernel.h"

namespace microml {
namespace conv {

// Where CONV_2D and DEPTHWISE_CONV_2D keep the window geometry in their
// options tables (the depthwise table has its depth multiplier in between).
struct WindowFields {
  int padding, stride_w, stride_h, activation, dilation_w, dilation_h;
};

struct Window {
  int8_t padding;
  int32_t stride_w, stride_h, dilation_w, dilation_h;
  Activation activation;
};

inline Window ReadWindow(const TableRef& options, const WindowFields& fields) {
  Window w = {};
  w.padding = options.GetInt8(fields.padding, 0);
  w.stride_w = options.GetInt32(fields.stride_w, 0);
  w.stride_h = options.GetInt32(fields.stride_h, 0);
  w.dilation_w = options.GetInt32(fields.dilation_w, 1);
  w.dilation_h = options.GetInt32(fields.dilation_h, 1);
  return w;
}

// The window's strides and dilations into an operator's params.
template <class Params>
void CopyStrides(const Window& window, Params* params) {
  params->stride_w = window.stride_w;
  params->stride_h = window.stride_h;
  params->dilation_w = window.dilation_w;
  params->dilation_h = window.dilation_h;
}

// The checks both sliding-window operators start with: 2 or 3 inputs (input,
// filter, optional bias) and 1 output, their options table, the window, the
// fused activation, matching float32/int8/int16 input and output types and
// three rank-4 tensors.
inline Status PrepareWindowOp(OpContext& ctx, OptionsType options_type, const char* options_name,
                              const WindowFields& fields, Window* out) {
  MICROML_RETURN_IF_ERROR(CheckOperator(ctx, 2, 0, 1, options_type, options_name));
  const Tensor* input = ctx.input(0);
  const Tensor* filter = ctx.input(1);
  const Tensor* output = ctx.output(0);
  const TableRef options = ctx.options();
  *out = ReadWindow(options, fields);
  if (out->padding != 0 && out->padding != 1) {
    return ctx.Fail(Status::kInvalidModel, "unknown padding %d", static_cast<int>(out->padding));
  }
  if (out->stride_w < 1 || out->stride_h < 1 || out->dilation_w < 1 || out->dilation_h < 1) {
    return ctx.Fail(Status::kInvalidModel, "stride %dx%d and dilation %dx%d must be positive",
                    static_cast<int>(out->stride_h), static_cast<int>(out->stride_w),
                    static_cast<int>(out->dilation_h), static_cast<int>(out->dilation_w));
  }
  MICROML_RETURN_IF_ERROR(
      ReadActivation(ctx, options.GetInt8(fields.activation, 0), &out->activation));
  MICROML_RETURN_IF_ERROR(CheckActivationTypes(ctx, *input, *output));
  int64_t count = 0;
  MICROML_RETURN_IF_ERROR(CheckTensor(ctx, input, "input", 4, &count));
  MICROML_RETURN_IF_ERROR(CheckTensor(ctx, filter, "filter", 4, &count));
  return CheckTensor(ctx, output, "output", 4, &count);
}

// The output size the window gives must be the output tensor's (`channels`
// deep); then TFLM's leading padding, the index range and the bias.
inline Status PrepareWindowGeometry(OpContext& ctx, const Window& window, const Tensor& input,
                                    const Tensor& filter, const Tensor& output, const Tensor* bias,
                                    int32_t channels, int32_t* pad_h, int32_t* pad_w) {
  const int32_t batches = input.dims[0], in_h = input.dims[1], in_w = input.dims[2];
  const int32_t f_h = filter.dims[1], f_w = filter.dims[2];
  const Padding pad = static_cast<Padding>(window.padding);
  const int32_t out_h = WindowOutputSize(pad, in_h, f_h, window.stride_h, window.dilation_h);
  const int32_t out_w = WindowOutputSize(pad, in_w, f_w, window.stride_w, window.dilation_w);
  if (out_h < 1 || out_w < 1) {
    return ctx.Fail(Status::kInvalidModel, "filter %dx%d does not fit input %dx%d",
                    static_cast<int>(f_h), static_cast<int>(f_w), static_cast<int>(in_h),
                    static_cast<int>(in_w));
  }
  if (output.dims[0] != batches || output.dims[1] != out_h || output.dims[2] != out_w ||
      output.dims[3] != channels) {
    return ctx.Fail(Status::kInvalidModel, "output shape [%d,%d,%d,%d], expected [%d,%d,%d,%d]",
                    static_cast<int>(output.dims[0]), static_cast<int>(output.dims[1]),
                    static_cast<int>(output.dims[2]), static_cast<int>(output.dims[3]),
                    static_cast<int>(batches), static_cast<int>(out_h), static_cast<int>(out_w),
                    static_cast<int>(channels));
  }
  int32_t extra = 0;
  *pad_h = WindowPadding(window.stride_h, window.dilation_h, in_h, f_h, out_h, &extra);
  *pad_w = WindowPadding(window.stride_w, window.dilation_w, in_w, f_w, out_w, &extra);
  MICROML_RETURN_IF_ERROR(
      CheckWindowExtent(ctx, "vertical", out_h, window.stride_h, *pad_h, f_h, window.dilation_h));
  MICROML_RETURN_IF_ERROR(
      CheckWindowExtent(ctx, "horizontal", out_w, window.stride_w, *pad_w, f_w, window.dilation_w));
  return CheckBias(ctx, bias, channels);
}

}  // namespace conv
}  // namespace microml

#endif  // MICROML_KERNELS_PREPARE_WINDOW_OP_H_
