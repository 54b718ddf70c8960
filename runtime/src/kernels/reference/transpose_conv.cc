// TRANSPOSE_CONV: inputs are (output shape, OHWI filter, NHWC input, optional
// bias). TFLM scatters each input element into an output-sized accumulator;
// this kernel gathers instead, visiting each output's contributions in the same
// (input y, input x, input channel) order, which gives identical sums without
// the scratch buffer.
#include <stdint.h>

#include "kernels/conv_common.h"
#include "kernels/padding.h"
#include "kernels/reference/conv_compute.h"
#include "microml/kernels.h"

namespace microml {
namespace {

// TransposeConvOptions field indices.
constexpr int kPaddingField = 0;
constexpr int kStrideWField = 1;
constexpr int kStrideHField = 2;
constexpr int kActivationField = 3;

constexpr int kOutputShapeInput = 0;
constexpr int kFilterInput = 1;
constexpr int kDataInput = 2;
constexpr int kBiasInput = 3;

enum class Kind : uint8_t { kFloat, kInt8, kInt16Bias16, kInt16Bias64 };

struct OpData : conv::QuantParams {
  int32_t stride_h;
  int32_t stride_w;
  int32_t pad_h;
  int32_t pad_w;
  Kind kind;
};

struct Shape {
  int32_t batches, in_h, in_w, in_c, f_h, f_w, out_h, out_w, out_c;
};

Shape ReadShape(const Tensor& input, const Tensor& filter, const Tensor& output) {
  return Shape{input.dims[0],  input.dims[1],  input.dims[2],  input.dims[3], filter.dims[1],
               filter.dims[2], output.dims[1], output.dims[2], output.dims[3]};
}

Status PrepareQuantized(OpContext& ctx, const Tensor& input, const Tensor& filter,
                        const Tensor* bias, Activation activation, OpData* data) {
  const TensorType type = input.type;
  if (filter.type != TensorType::kINT8) return ctx.FailUnsupportedTypes();
  if (type == TensorType::kINT8) {
    if (bias != nullptr && bias->type != TensorType::kINT32) {
      return conv::FailBiasType(ctx, bias, &input);
    }
    data->kind = Kind::kInt8;
  } else {
    // TFLM widens a legacy int16 bias; anything else it reads as int64.
    if (bias != nullptr && bias->type != TensorType::kINT16 && bias->type != TensorType::kINT64) {
      return conv::FailBiasType(ctx, bias, &input);
    }
    data->kind = bias != nullptr && bias->type == TensorType::kINT16 ? Kind::kInt16Bias16
                                                                     : Kind::kInt16Bias64;
  }
  return conv::PrepareChannelQuant(ctx, kDataInput, kFilterInput, type, filter.dims[0], 0,
                                   type == TensorType::kINT16, activation, data);
}

// TFLM ignores the output-shape input; a constant one must at least agree.
Status CheckOutputShapeInput(OpContext& ctx, const Tensor& output) {
  const Tensor* shape = ctx.input(kOutputShapeInput);
  if (shape == nullptr || !shape->is_constant() || shape->data == nullptr) return Status::kOk;
  if (shape->type != TensorType::kINT32 || shape->element_count() != 4 || shape->bytes < 16) {
    return ctx.Fail(Status::kInvalidModel, "output shape input must hold 4 int32 values");
  }
  const int32_t* values = shape->data_as<const int32_t>();
  for (int i = 0; i < 4; ++i) {
    if (values[i] != output.dims[i]) {
      return ctx.Fail(Status::kInvalidModel,
                      "output shape input says %d for dimension %d, the "
                      "output tensor has %d",
                      static_cast<int>(values[i]), i, static_cast<int>(output.dims[i]));
    }
  }
  return Status::kOk;
}

Status Prepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(conv::CheckOperator(ctx, 3, kDataInput, kFilterInput,
                                              OptionsType::kTransposeConvOptions,
                                              "TransposeConvOptions"));
  const Tensor* filter = ctx.input(kFilterInput);
  const Tensor* input = ctx.input(kDataInput);
  const Tensor* bias = ctx.input(kBiasInput);
  const Tensor* output = ctx.output(0);
  const TableRef options = ctx.options();
  const int8_t padding = options.GetInt8(kPaddingField, 0);
  OpData params = {};
  params.stride_w = options.GetInt32(kStrideWField, 0);
  params.stride_h = options.GetInt32(kStrideHField, 0);
  if (padding != 0 && padding != 1) {
    return ctx.Fail(Status::kInvalidModel, "unknown padding %d", static_cast<int>(padding));
  }
  if (params.stride_w < 1 || params.stride_h < 1) {
    return ctx.Fail(Status::kInvalidModel, "stride %dx%d must be positive",
                    static_cast<int>(params.stride_h), static_cast<int>(params.stride_w));
  }
  Activation activation = Activation::kNone;
  MICROML_RETURN_IF_ERROR(
      conv::ReadActivation(ctx, options.GetInt8(kActivationField, 0), &activation));

  MICROML_RETURN_IF_ERROR(conv::CheckActivationTypes(ctx, *input, *output));
  int64_t count = 0;
  MICROML_RETURN_IF_ERROR(conv::CheckTensor(ctx, input, "input", 4, &count));
  MICROML_RETURN_IF_ERROR(conv::CheckTensor(ctx, filter, "filter", 4, &count));
  MICROML_RETURN_IF_ERROR(conv::CheckTensor(ctx, output, "output", 4, &count));
  MICROML_RETURN_IF_ERROR(CheckOutputShapeInput(ctx, *output));
  const Shape s = ReadShape(*input, *filter, *output);
  if (filter->dims[3] != s.in_c || filter->dims[0] != s.out_c || output->dims[0] != s.batches) {
    return ctx.Fail(Status::kInvalidModel,
                    "filter [%d,%d,%d,%d] does not map input depth %d to output depth %d "
                    "(batches %d and %d)",
                    static_cast<int>(filter->dims[0]), static_cast<int>(s.f_h),
                    static_cast<int>(s.f_w), static_cast<int>(filter->dims[3]),
                    static_cast<int>(s.in_c), static_cast<int>(s.out_c),
                    static_cast<int>(s.batches), static_cast<int>(output->dims[0]));
  }
  // The input must be what a forward convolution of the output would produce.
  const Padding pad = static_cast<Padding>(padding);
  const int32_t in_h = WindowOutputSize(pad, s.out_h, s.f_h, params.stride_h, 1);
  const int32_t in_w = WindowOutputSize(pad, s.out_w, s.f_w, params.stride_w, 1);
  if (in_h != s.in_h || in_w != s.in_w) {
    return ctx.Fail(Status::kInvalidModel,
                    "output %dx%d with filter %dx%d and stride %dx%d needs input %dx%d, not %dx%d",
                    static_cast<int>(s.out_h), static_cast<int>(s.out_w), static_cast<int>(s.f_h),
                    static_cast<int>(s.f_w), static_cast<int>(params.stride_h),
                    static_cast<int>(params.stride_w), static_cast<int>(in_h),
                    static_cast<int>(in_w), static_cast<int>(s.in_h), static_cast<int>(s.in_w));
  }
  int32_t extra = 0;
  params.pad_h = WindowPadding(params.stride_h, 1, s.out_h, s.f_h, in_h, &extra);
  params.pad_w = WindowPadding(params.stride_w, 1, s.out_w, s.f_w, in_w, &extra);
  MICROML_RETURN_IF_ERROR(
      conv::CheckWindowExtent(ctx, "vertical", in_h, params.stride_h, params.pad_h, s.f_h, 1));
  MICROML_RETURN_IF_ERROR(
      conv::CheckWindowExtent(ctx, "horizontal", in_w, params.stride_w, params.pad_w, s.f_w, 1));
  MICROML_RETURN_IF_ERROR(conv::CheckBias(ctx, bias, s.out_c));

  return conv::StoreParams(ctx, params, *input, *filter, bias, activation, Kind::kFloat,
                           PrepareQuantized);
}

// Input rows (or columns) feeding output position `out`: those i with
// 0 <= out + pad - i * stride < filter, clipped to [0, size).
inline void InputRange(int32_t out, int32_t pad, int32_t stride, int32_t filter, int32_t size,
                       int32_t* first, int32_t* last) {
  const int32_t hi = out + pad;        // i * stride <= hi
  const int32_t lo = hi - filter + 1;  // i * stride >= lo
  *first = lo <= 0 ? 0 : (lo + stride - 1) / stride;
  *last = hi / stride;
  if (*last > size - 1) *last = size - 1;
}

// Sums one output element; `Mac` adds x * w to the accumulator.
template <typename Acc, typename In, typename W, typename Mac>
Acc Gather(const OpData& d, const Shape& s, const In* input, const W* filter, int32_t b, int32_t oy,
           int32_t ox, int32_t oc, Mac mac) {
  Acc acc = 0;
  int32_t y_first = 0, y_last = 0, x_first = 0, x_last = 0;
  InputRange(oy, d.pad_h, d.stride_h, s.f_h, s.in_h, &y_first, &y_last);
  InputRange(ox, d.pad_w, d.stride_w, s.f_w, s.in_w, &x_first, &x_last);
  for (int32_t iy = y_first; iy <= y_last; ++iy) {
    const int32_t fy = oy + d.pad_h - iy * d.stride_h;
    for (int32_t ix = x_first; ix <= x_last; ++ix) {
      const int32_t fx = ox + d.pad_w - ix * d.stride_w;
      const In* in = input + ((b * s.in_h + iy) * s.in_w + ix) * s.in_c;
      const W* w = filter + ((oc * s.f_h + fy) * s.f_w + fx) * s.in_c;
      for (int32_t ic = 0; ic < s.in_c; ++ic) acc = mac(acc, in[ic], w[ic]);
    }
  }
  return acc;
}

void EvalFloat(const OpData& d, const Shape& s, const float* input, const float* filter,
               const float* bias, float* output) {
  const auto mac = [](float acc, float x, float w) { return acc + x * w; };
  for (int32_t b = 0; b < s.batches; ++b) {
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      for (int32_t ox = 0; ox < s.out_w; ++ox) {
        for (int32_t oc = 0; oc < s.out_c; ++oc) {
          float acc = Gather<float>(d, s, input, filter, b, oy, ox, oc, mac);
          if (bias != nullptr) acc += bias[oc];
          output[((b * s.out_h + oy) * s.out_w + ox) * s.out_c + oc] =
              ClampFloat(acc, d.float_min, d.float_max);
        }
      }
    }
  }
}

// Acc is TFLM's accumulator: int32 for int8 input, int64 for int16.
template <typename In, typename Acc, typename Bias>
void EvalQuantized(const OpData& d, const Shape& s, const In* input, const int8_t* filter,
                   const Bias* bias, In* output) {
  const int32_t input_offset = d.input_offset;
  const auto mac = [input_offset](Acc acc, In x, int8_t w) {
    return conv::Accumulate(acc, x, w, input_offset);
  };
  for (int32_t b = 0; b < s.batches; ++b) {
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      for (int32_t ox = 0; ox < s.out_w; ++ox) {
        for (int32_t oc = 0; oc < s.out_c; ++oc) {
          const Acc acc = Gather<Acc>(d, s, input, filter, b, oy, ox, oc, mac);
          output[((b * s.out_h + oy) * s.out_w + ox) * s.out_c + oc] =
              conv::OutputValue<In>(d, acc, bias, oc);
        }
      }
    }
  }
}

Status Eval(OpContext& ctx) {
  const OpData& d = *ctx.op_data_as<OpData>();
  const Tensor& filter = *ctx.input(kFilterInput);
  const Tensor& input = *ctx.input(kDataInput);
  const Tensor* bias = ctx.input(kBiasInput);
  const Tensor& output = *ctx.output(0);
  const Shape s = ReadShape(input, filter, output);
  const void* b = bias != nullptr ? bias->data : nullptr;
  switch (d.kind) {
    case Kind::kFloat:
      EvalFloat(d, s, input.data_as<const float>(), filter.data_as<const float>(),
                static_cast<const float*>(b), output.data_as<float>());
      break;
    case Kind::kInt8:
      EvalQuantized<int8_t, int32_t>(d, s, input.data_as<const int8_t>(),
                                     filter.data_as<const int8_t>(), static_cast<const int32_t*>(b),
                                     output.data_as<int8_t>());
      break;
    case Kind::kInt16Bias16:
      EvalQuantized<int16_t, int64_t>(d, s, input.data_as<const int16_t>(),
                                      filter.data_as<const int8_t>(),
                                      static_cast<const int16_t*>(b), output.data_as<int16_t>());
      break;
    case Kind::kInt16Bias64:
      EvalQuantized<int16_t, int64_t>(d, s, input.data_as<const int16_t>(),
                                      filter.data_as<const int8_t>(),
                                      static_cast<const int64_t*>(b), output.data_as<int16_t>());
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterTransposeConv = {static_cast<int32_t>(BuiltinOp::kTRANSPOSE_CONV),
                                                   nullptr,
                                                   5,
                                                   Prepare,
                                                   Eval,
                                                   nullptr,
                                                   "float32 int8 int16"};

}  // namespace microml
