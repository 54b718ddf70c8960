#include "kernels/prepare/fully_connected.h"

namespace microml {
namespace {

// FullyConnectedOptions field indices.
constexpr int kActivationField = 0;
constexpr int kWeightsFormatField = 1;
constexpr int kKeepNumDimsField = 2;

// Per-tensor weights follow TFLM's GetQuantizedConvolutionMultipler: a bias
// must carry roughly the input * filter scale, or TFLM refuses the model.
Status PerTensorScale(OpContext& ctx, float input_scale, float filter_scale, float output_scale,
                      bool has_bias, bool wide_accumulator, conv::ChannelScales* out) {
  const double product = static_cast<double>(input_scale) * static_cast<double>(filter_scale);
  if (has_bias) {
    const QuantizationRef bias_q = ctx.input_ref(2).quantization();
    // TFLM sees a scale of 0 when the bias lacks either quantization vector.
    const bool quantized = !bias_q.scale.empty() && !bias_q.zero_point.empty();
    const double bias_scale = quantized ? static_cast<double>(bias_q.scale[0]) : 0.0;
    const double diff = product > bias_scale ? product - bias_scale : bias_scale - product;
    if (!(diff / static_cast<double>(output_scale) <= 0.02)) {
      return ctx.Fail(Status::kInvalidModel,
                      "bias scale differs from input scale * filter scale by more than 2%% of "
                      "the output scale");
    }
  }
  MICROML_RETURN_IF_ERROR(conv::AllocateScales(ctx, 1, out));
  return conv::StoreMultiplier(ctx, product / static_cast<double>(output_scale), wide_accumulator,
                               out->multiplier, out->shift);
}

Status PrepareQuantized(OpContext& ctx, const Tensor& input, const Tensor& filter,
                        const Tensor* bias, Activation activation, FullyConnectedParams* data) {
  const TensorType type = input.type;
  if (type == TensorType::kINT8) {
    MICROML_RETURN_IF_ERROR(conv::CheckInt8Operands(ctx, input, filter, bias));
    data->kind = filter.type == TensorType::kINT4 ? FullyConnectedKind::kInt8Int4
                                                  : FullyConnectedKind::kInt8;
  } else {
    MICROML_RETURN_IF_ERROR(conv::CheckInt16Operands(ctx, input, filter, bias, true));
    data->kind = bias != nullptr && bias->type == TensorType::kINT32
                     ? FullyConnectedKind::kInt16Bias32
                     : FullyConnectedKind::kInt16Bias64;
  }
  const bool wide = data->kind == FullyConnectedKind::kInt16Bias64;
  conv::QuantInputs q = {};
  // TFLM has no per-channel int4 fully connected kernel.
  MICROML_RETURN_IF_ERROR(
      conv::ReadQuantInputs(ctx, 0, 1, type, data->units, 0, filter.type == TensorType::kINT8, &q));
  if (q.filter_scales.size() > 1) {
    MICROML_RETURN_IF_ERROR(conv::ComputeChannelScales(ctx, q.input.scale, q.filter_scales,
                                                       q.output.scale, wide, &data->scales));
  } else {
    MICROML_RETURN_IF_ERROR(PerTensorScale(ctx, q.input.scale, q.filter_scales[0], q.output.scale,
                                           bias != nullptr, wide, &data->scales));
  }
  return conv::SetOffsetsAndRange(ctx, q, type, activation, data);
}

// TFLite's output shape: [batches, units], or with keep_num_dims the input's
// shape with its last dimension replaced by units.
Status CheckOutputShape(OpContext& ctx, const Tensor& input, const Tensor& output,
                        bool keep_num_dims, int32_t batches, int32_t units) {
  bool ok = output.dims[output.rank - 1] == units;
  if (keep_num_dims) {
    ok = ok && output.rank == input.rank;
    for (int i = 0; ok && i + 1 < input.rank; ++i) ok = output.dims[i] == input.dims[i];
  } else {
    ok = ok && output.rank == 2 && output.dims[0] == batches;
  }
  if (!ok) {
    return ctx.Fail(Status::kInvalidModel,
                    "output shape (rank %d, last dimension %d) does not hold %d batches of %d "
                    "units%s",
                    static_cast<int>(output.rank), static_cast<int>(output.dims[output.rank - 1]),
                    static_cast<int>(batches), static_cast<int>(units),
                    keep_num_dims ? " in the input's leading dimensions" : "");
  }
  return Status::kOk;
}

}  // namespace

Status PrepareFullyConnected(OpContext& ctx, FullyConnectedParams** out) {
  MICROML_RETURN_IF_ERROR(conv::CheckOperator(ctx, 2, 0, 1, OptionsType::kFullyConnectedOptions,
                                              "FullyConnectedOptions"));
  const Tensor* input = ctx.input(0);
  const Tensor* filter = ctx.input(1);
  const Tensor* bias = ctx.input(2);
  const Tensor* output = ctx.output(0);
  const TableRef options = ctx.options();
  const int8_t weights_format = options.GetInt8(kWeightsFormatField, 0);
  if (weights_format != 0) {
    return ctx.Fail(Status::kUnsupported, "weights format %d is not supported (DEFAULT only)",
                    static_cast<int>(weights_format));
  }
  const bool keep_num_dims = options.GetBool(kKeepNumDimsField, false);
  Activation activation = Activation::kNone;
  MICROML_RETURN_IF_ERROR(
      conv::ReadActivation(ctx, options.GetInt8(kActivationField, 0), &activation));

  MICROML_RETURN_IF_ERROR(conv::CheckActivationTypes(ctx, *input, *output));
  int64_t input_count = 0;
  int64_t count = 0;
  MICROML_RETURN_IF_ERROR(conv::CheckTensor(ctx, input, "input", -1, &input_count));
  MICROML_RETURN_IF_ERROR(conv::CheckTensor(ctx, filter, "filter", 2, &count));
  MICROML_RETURN_IF_ERROR(conv::CheckTensor(ctx, output, "output", -1, &count));
  if (input->rank < 1 || output->rank < 1) {
    return ctx.Fail(Status::kInvalidModel, "input and output must have at least one dimension");
  }
  FullyConnectedParams params = {};
  params.units = filter->dims[0];
  params.depth = filter->dims[1];
  if (input_count % params.depth != 0) {
    return ctx.Fail(Status::kInvalidModel, "input of %lld elements is not a multiple of depth %d",
                    static_cast<long long>(input_count), static_cast<int>(params.depth));
  }
  params.batches = static_cast<int32_t>(input_count / params.depth);
  if (keep_num_dims && input->dims[input->rank - 1] != params.depth) {
    return ctx.Fail(Status::kInvalidModel, "input depth %d differs from filter depth %d",
                    static_cast<int>(input->dims[input->rank - 1]), static_cast<int>(params.depth));
  }
  MICROML_RETURN_IF_ERROR(
      CheckOutputShape(ctx, *input, *output, keep_num_dims, params.batches, params.units));
  MICROML_RETURN_IF_ERROR(conv::CheckBias(ctx, bias, params.units));

  return conv::StoreParams(ctx, params, *input, *filter, bias, activation,
                           FullyConnectedKind::kFloat, PrepareQuantized, out);
}

Status FullyConnectedPrepare(OpContext& ctx) {
  FullyConnectedParams* params = nullptr;
  return PrepareFullyConnected(ctx, &params);
}

}  // namespace microml
