// Prepare-time checks and quantization setup shared by the convolution family
// (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, FULLY_CONNECTED).
#ifndef MICROML_KERNELS_CONV_COMMON_H_
#define MICROML_KERNELS_CONV_COMMON_H_

#include <stdint.h>

#include <cmath>

#include "kernels/activation.h"
#include "kernels/quantization.h"
#include "microml/kernel.h"

namespace microml {
namespace conv {

// Requantization of each output channel: one entry per channel, or a single
// entry for per-tensor weights, read at index channel * step (step 0 or 1).
// Shifts are bytes (they lie in [-31, 31]): per-channel scales are most of the
// arena's non-activation bytes on CNNs.
struct ChannelScales {
  int32_t* multiplier;
  int8_t* shift;
  int32_t step;
};

// The arithmetic every conv-family compute applies around its sums; each
// operator's params begin with it, so the prepares below fill it for all.
struct QuantParams {
  ChannelScales scales;
  // Added to every input value (minus the input zero point).
  int32_t input_offset;
  int32_t output_offset;
  // The clamp range: quantized variants read the integers, float ones the
  // floats (the op data is arena bytes on every model).
  union {
    int32_t act_min;
    float float_min;
  };
  union {
    int32_t act_max;
    float float_max;
  };
};

struct ActivationQuant {
  float scale;
  int32_t zero_point;
};

inline bool ScaleIsValid(float s) {
  return std::isfinite(s) && s > 0.0f;
}

inline int32_t TypeMin(TensorType t) {
  return t == TensorType::kINT16 ? -32768 : -128;
}
inline int32_t TypeMax(TensorType t) {
  return t == TensorType::kINT16 ? 32767 : 127;
}

// Every dimension positive, the element count below 2^31 and the bytes present
// (int4 tensors pack two elements per byte).
inline Status CheckTensor(OpContext& ctx, const Tensor* t, const char* role, int rank,
                          int64_t* count) {
  if (rank >= 0 && t->rank != rank) {
    return ctx.Fail(Status::kUnsupported, "%s has rank %d, expected %d", role,
                    static_cast<int>(t->rank), rank);
  }
  int64_t n = 1;
  for (int i = 0; i < t->rank; ++i) {
    if (t->dims[i] < 1) {
      return ctx.Fail(Status::kInvalidModel, "%s dimension %d is %d", role, i,
                      static_cast<int>(t->dims[i]));
    }
    n *= t->dims[i];
    if (n > INT32_MAX) return ctx.Fail(Status::kUnsupported, "%s has 2^31 or more elements", role);
  }
  const int64_t bytes = t->type == TensorType::kINT4
                            ? (n + 1) / 2
                            : n * static_cast<int64_t>(TensorTypeSize(t->type));
  if (static_cast<int64_t>(t->bytes) < bytes) {
    return ctx.Fail(Status::kInvalidModel, "%s holds %u bytes, its shape needs %lld", role,
                    static_cast<unsigned>(t->bytes), static_cast<long long>(bytes));
  }
  *count = n;
  return Status::kOk;
}

// The scale and zero point TFLM uses for an activation tensor (entry 0).
inline Status ReadActivationQuant(OpContext& ctx, const TensorRef& ref, TensorType type,
                                  const char* role, ActivationQuant* out) {
  const QuantizationRef q = ref.quantization();
  if (q.scale.empty() || q.zero_point.empty()) {
    return ctx.Fail(Status::kInvalidModel, "%s has no quantization parameters", role);
  }
  out->scale = q.scale[0];
  if (!ScaleIsValid(out->scale)) {
    return ctx.Fail(Status::kInvalidModel, "%s scale is not a positive finite number", role);
  }
  const int64_t zp = q.zero_point[0];
  if (type == TensorType::kINT16 && zp != 0) {
    return ctx.Fail(Status::kUnsupported, "%s is int16 with zero point %lld, expected 0", role,
                    static_cast<long long>(zp));
  }
  if (zp < TypeMin(type) || zp > TypeMax(type)) {
    return ctx.Fail(Status::kInvalidModel, "%s zero point %lld is outside [%d, %d]", role,
                    static_cast<long long>(zp), static_cast<int>(TypeMin(type)),
                    static_cast<int>(TypeMax(type)));
  }
  out->zero_point = static_cast<int32_t>(zp);
  return Status::kOk;
}

// Weights are symmetric: 1 or `channels` positive scales along `axis`, and a
// zero point of 0 for each.
inline Status ReadFilterScales(OpContext& ctx, const TensorRef& ref, int32_t channels, int32_t axis,
                               bool allow_per_channel, VectorRef<float>* scales) {
  const QuantizationRef q = ref.quantization();
  const uint32_t n = q.scale.size();
  if (n == 0) return ctx.Fail(Status::kInvalidModel, "filter has no quantization parameters");
  if (n != 1) {
    if (!allow_per_channel) {
      return ctx.Fail(Status::kUnsupported,
                      "per-channel quantization (%u scales) is not "
                      "supported for these weights",
                      static_cast<unsigned>(n));
    }
    if (n != static_cast<uint32_t>(channels)) {
      return ctx.Fail(Status::kInvalidModel, "filter has %u scales for %d output channels",
                      static_cast<unsigned>(n), static_cast<int>(channels));
    }
    if (q.quantized_dimension != axis) {
      return ctx.Fail(Status::kInvalidModel, "filter quantized dimension is %d, expected %d",
                      static_cast<int>(q.quantized_dimension), static_cast<int>(axis));
    }
  }
  if (q.zero_point.size() != n) {
    return ctx.Fail(Status::kInvalidModel, "filter has %u zero points for %u scales",
                    static_cast<unsigned>(q.zero_point.size()), static_cast<unsigned>(n));
  }
  for (uint32_t i = 0; i < n; ++i) {
    if (!ScaleIsValid(q.scale[i])) {
      return ctx.Fail(Status::kInvalidModel, "filter scale %u is not a positive finite number",
                      static_cast<unsigned>(i));
    }
    if (q.zero_point[i] != 0) {
      return ctx.Fail(Status::kUnsupported, "filter zero point %u is %lld, expected 0",
                      static_cast<unsigned>(i), static_cast<long long>(q.zero_point[i]));
    }
  }
  *scales = q.scale;
  return Status::kOk;
}

// Largest exponent each requantization variant handles (see quantization.h).
inline int MaxShift(bool wide_accumulator) {
  return wide_accumulator ? 14 : 31;
}

inline Status CheckExponent(OpContext& ctx, int exponent, bool wide_accumulator) {
  if (exponent > MaxShift(wide_accumulator)) {
    return ctx.Fail(Status::kUnsupported, "effective output scale 2^%d is too large", exponent);
  }
  return Status::kOk;
}

inline Status StoreMultiplier(OpContext& ctx, double effective, bool wide_accumulator,
                              int32_t* multiplier, int8_t* shift) {
  int exponent = 0;
  QuantizeMultiplier(effective, multiplier, &exponent);
  MICROML_RETURN_IF_ERROR(CheckExponent(ctx, exponent, wide_accumulator));
  *shift = static_cast<int8_t>(exponent);
  return Status::kOk;
}

// Room for `n` multipliers and shifts, in one allocation (each allocation
// rounds up to 8 bytes).
inline Status AllocateScales(OpContext& ctx, uint32_t n, ChannelScales* out) {
  out->multiplier = static_cast<int32_t*>(ctx.AllocatePersistent(n * (sizeof(int32_t) + 1)));
  if (out->multiplier == nullptr) return Status::kArenaTooSmall;
  out->shift = reinterpret_cast<int8_t*>(out->multiplier + n);
  out->step = n > 1 ? 1 : 0;
  return Status::kOk;
}

// Per-channel multipliers as TFLM's PopulateConvolutionQuantizationParams
// computes them: double(input) * double(filter) / double(output).
inline Status ComputeChannelScales(OpContext& ctx, float input_scale,
                                   const VectorRef<float>& filter_scales, float output_scale,
                                   bool wide_accumulator, ChannelScales* out) {
  // Per-tensor scales written per channel (some converters do) give equal
  // multipliers: one is kept for all.
  uint32_t n = filter_scales.size();
  bool equal = true;
  for (uint32_t i = 1; i < n && equal; ++i) equal = filter_scales[i] == filter_scales[0];
  if (equal && n > 1) n = 1;
  if (n > 1 && ctx.recomputes_scales()) {
    // Checked now so that setup, not an eval, rejects the model.
    for (uint32_t i = 0; i < n; ++i) {
      int32_t multiplier = 0;
      int exponent = 0;
      QuantizeChannelScale(input_scale, filter_scales[i], output_scale, &multiplier, &exponent);
      MICROML_RETURN_IF_ERROR(CheckExponent(ctx, exponent, wide_accumulator));
    }
    out->step = 1;
    return ctx.RecomputeScalesEachEval(input_scale, filter_scales, output_scale, &out->multiplier,
                                       &out->shift);
  }
  MICROML_RETURN_IF_ERROR(AllocateScales(ctx, n, out));
  for (uint32_t i = 0; i < n; ++i) {
    int exponent = 0;
    QuantizeChannelScale(input_scale, filter_scales[i], output_scale, &out->multiplier[i],
                         &exponent);
    MICROML_RETURN_IF_ERROR(CheckExponent(ctx, exponent, wide_accumulator));
    out->shift[i] = static_cast<int8_t>(exponent);
  }
  return Status::kOk;
}

// Reads the fused activation; only the clamping ones exist in TFLM's kernels
// (they silently ignore TANH and SIGN_BIT, which no converter fuses here).
inline Status ReadActivation(OpContext& ctx, int8_t value, Activation* out) {
  if (value < 0 || value > 5 || !ActivationIsClamp(static_cast<Activation>(value))) {
    return ctx.Fail(Status::kUnsupported, "fused activation %d is not supported",
                    static_cast<int>(value));
  }
  *out = static_cast<Activation>(value);
  return Status::kOk;
}

inline Status QuantizedRange(OpContext& ctx, Activation a, const ActivationQuant& output,
                             TensorType type, int32_t* lo, int32_t* hi) {
  if (!QuantizedActivationRangeChecked(a, output.scale, output.zero_point, TypeMin(type),
                                       TypeMax(type), lo, hi)) {
    return ctx.Fail(Status::kInvalidModel, "output scale is too small for the fused activation");
  }
  return Status::kOk;
}

// The bias, when present, holds one value per output channel.
inline Status CheckBias(OpContext& ctx, const Tensor* bias, int32_t channels) {
  if (bias == nullptr) return Status::kOk;
  int64_t count = 0;
  MICROML_RETURN_IF_ERROR(CheckTensor(ctx, bias, "bias", -1, &count));
  if (count != channels) {
    return ctx.Fail(Status::kInvalidModel, "bias has %lld elements for %d output channels",
                    static_cast<long long>(count), static_cast<int>(channels));
  }
  return Status::kOk;
}

inline Status FailBiasType(OpContext& ctx, const Tensor* bias, const Tensor* input) {
  return ctx.Fail(Status::kUnsupported, "bias type %s with %s input is not supported",
                  TensorTypeName(bias->type), TensorTypeName(input->type));
}

// The checks every conv-family prepare starts with: `min_inputs` inputs or one
// more (the optional bias) and 1 output, the input, filter and output
// present, and the operator's options table.
inline Status CheckOperator(OpContext& ctx, int min_inputs, int input_index, int filter_index,
                            OptionsType options_type, const char* options_name) {
  if (ctx.num_inputs() < min_inputs || ctx.num_inputs() > min_inputs + 1 ||
      ctx.num_outputs() != 1) {
    return ctx.Fail(Status::kInvalidModel, "expected %d or %d inputs and 1 output, got %d and %d",
                    min_inputs, min_inputs + 1, ctx.num_inputs(), ctx.num_outputs());
  }
  if (ctx.input(input_index) == nullptr || ctx.input(filter_index) == nullptr ||
      ctx.output(0) == nullptr) {
    return ctx.Fail(Status::kInvalidModel, "input, filter and output are required");
  }
  if (ctx.options_type() != options_type) {
    return ctx.Fail(Status::kInvalidModel, "missing %s", options_name);
  }
  return Status::kOk;
}

// Input and output of one type: float32, int8 or int16.
inline Status CheckActivationTypes(OpContext& ctx, const Tensor& input, const Tensor& output) {
  const TensorType type = input.type;
  if (output.type != type ||
      (type != TensorType::kFLOAT32 && type != TensorType::kINT8 && type != TensorType::kINT16)) {
    return ctx.FailUnsupportedTypes();
  }
  return Status::kOk;
}

// int8 input: int8 or int4 weights and an int32 bias.
inline Status CheckInt8Operands(OpContext& ctx, const Tensor& input, const Tensor& filter,
                                const Tensor* bias) {
  if (filter.type != TensorType::kINT8 && filter.type != TensorType::kINT4) {
    return ctx.FailUnsupportedTypes();
  }
  if (bias != nullptr && bias->type != TensorType::kINT32) return FailBiasType(ctx, bias, &input);
  return Status::kOk;
}

// int16 input: int8 weights and an int64 bias, or an int32 one where the
// operator takes that too.
inline Status CheckInt16Operands(OpContext& ctx, const Tensor& input, const Tensor& filter,
                                 const Tensor* bias, bool int32_bias) {
  if (filter.type != TensorType::kINT8) return ctx.FailUnsupportedTypes();
  if (bias != nullptr && bias->type != TensorType::kINT64 &&
      !(int32_bias && bias->type == TensorType::kINT32)) {
    return FailBiasType(ctx, bias, &input);
  }
  return Status::kOk;
}

// The float variant: float weights and bias, and the activation's float range.
inline Status PrepareFloat(OpContext& ctx, const Tensor& input, const Tensor& filter,
                           const Tensor* bias, Activation activation, QuantParams* out) {
  if (filter.type != TensorType::kFLOAT32) return ctx.FailUnsupportedTypes();
  if (bias != nullptr && bias->type != TensorType::kFLOAT32) {
    return FailBiasType(ctx, bias, &input);
  }
  FloatActivationRange(activation, &out->float_min, &out->float_max);
  return Status::kOk;
}

template <typename Params>
using PrepareQuantizedFn = Status (*)(OpContext&, const Tensor& input, const Tensor& filter,
                                      const Tensor* bias, Activation, Params*);

// Allocates the op data as a copy of the checked `params` and finishes it: the
// float variant here, a quantized one by `prepare_quantized`. `out`, when
// given, receives it.
template <typename Params>
Status StoreParams(OpContext& ctx, const Params& params, const Tensor& input, const Tensor& filter,
                   const Tensor* bias, Activation activation, decltype(Params::kind) float_kind,
                   PrepareQuantizedFn<Params> prepare_quantized, Params** out = nullptr) {
  Params* data = ctx.AllocatePersistent<Params>();
  if (data == nullptr) return Status::kArenaTooSmall;
  *data = params;
  if (input.type == TensorType::kFLOAT32) {
    data->kind = float_kind;
    MICROML_RETURN_IF_ERROR(PrepareFloat(ctx, input, filter, bias, activation, data));
  } else {
    MICROML_RETURN_IF_ERROR(prepare_quantized(ctx, input, filter, bias, activation, data));
  }
  ctx.set_op_data(data);
  if (out != nullptr) *out = data;
  return Status::kOk;
}

// The quantization a quantized variant starts from: the input's and the
// output's, and the weights' scales along `axis` (see ReadFilterScales).
struct QuantInputs {
  ActivationQuant input;
  ActivationQuant output;
  VectorRef<float> filter_scales;
};

inline Status ReadQuantInputs(OpContext& ctx, int input_index, int filter_index, TensorType type,
                              int32_t channels, int32_t axis, bool allow_per_channel,
                              QuantInputs* out) {
  MICROML_RETURN_IF_ERROR(
      ReadActivationQuant(ctx, ctx.input_ref(input_index), type, "input", &out->input));
  MICROML_RETURN_IF_ERROR(
      ReadActivationQuant(ctx, ctx.output_ref(0), type, "output", &out->output));
  return ReadFilterScales(ctx, ctx.input_ref(filter_index), channels, axis, allow_per_channel,
                          &out->filter_scales);
}

// What is left once the scales are stored: the zero points and the clamp range.
inline Status SetOffsetsAndRange(OpContext& ctx, const QuantInputs& q, TensorType type,
                                 Activation activation, QuantParams* out) {
  out->input_offset = -q.input.zero_point;
  out->output_offset = q.output.zero_point;
  return QuantizedRange(ctx, activation, q.output, type, &out->act_min, &out->act_max);
}

// A quantized variant with per-channel (or per-tensor) weights along `axis`
// requantized as TFLM's PopulateConvolutionQuantizationParams does.
inline Status PrepareChannelQuant(OpContext& ctx, int input_index, int filter_index,
                                  TensorType type, int32_t channels, int32_t axis,
                                  bool wide_accumulator, Activation activation, QuantParams* out) {
  QuantInputs q = {};
  MICROML_RETURN_IF_ERROR(
      ReadQuantInputs(ctx, input_index, filter_index, type, channels, axis, true, &q));
  MICROML_RETURN_IF_ERROR(ComputeChannelScales(ctx, q.input.scale, q.filter_scales, q.output.scale,
                                               wide_accumulator, &out->scales));
  return SetOffsetsAndRange(ctx, q, type, activation, out);
}

// Keeps every index computed while sliding a window along one axis inside
// +-2^30: (out - 1) * stride + pad + (filter - 1) * dilation.
inline Status CheckWindowExtent(OpContext& ctx, const char* axis, int32_t out, int32_t stride,
                                int32_t pad, int32_t filter, int32_t dilation) {
  const int64_t extent = (static_cast<int64_t>(out) - 1) * stride + pad +
                         (static_cast<int64_t>(filter) - 1) * dilation;
  if (extent > (int64_t{1} << 30)) {
    return ctx.Fail(Status::kUnsupported, "%s window extent %lld is too large", axis,
                    static_cast<long long>(extent));
  }
  return Status::kOk;
}

// The RowWindow of a CONV_2D or DEPTHWISE_CONV_2D kernel: the filter's rows
// (dimension 1 in both layouts), dilated, with its params' stride and padding.
template <typename Params>
bool FilterRowWindow(const Params& d, const Tensor& filter, RowWindow* out) {
  *out = {(filter.dims[1] - 1) * d.dilation_h + 1, d.stride_h, d.pad_h};
  return true;
}

// Signed 4-bit weights, two per byte, the first in the low nibble.
struct Int4Weights {
  const uint8_t* data;
  int32_t operator[](int32_t i) const {
    const uint32_t byte = data[i >> 1];
    // Moves the wanted nibble to the top so the arithmetic shift sign-extends it.
    const uint32_t top = (i & 1) != 0 ? byte << 24 : byte << 28;
    return static_cast<int32_t>(top) >> 28;
  }
};

struct Int8Weights {
  const int8_t* data;
  int32_t operator[](int32_t i) const { return data[i]; }
};

}  // namespace conv
}  // namespace microml

#endif  // MICROML_KERNELS_CONV_COMMON_H_
