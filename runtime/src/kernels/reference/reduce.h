// Pieces shared by the reductions MEAN, SUM, REDUCE_MAX, REDUCE_MIN and
// REDUCE_ALL: input 0 is the data, input 1 an int32 list of axes (negative
// values count from the end, duplicates are ignored), ReducerOptions.keep_dims
// decides whether reduced axes stay as size 1.
//
// Like TFLM, the axes may be a runtime input; the model's output shape must
// then be checked when they are known. Constant axes are resolved and checked
// once in prepare. Elements are visited in row-major input order, which fixes
// the order of float accumulation to TFLM's.
#ifndef MICROML_KERNELS_REFERENCE_REDUCE_H_
#define MICROML_KERNELS_REFERENCE_REDUCE_H_

#include <stdint.h>

#include <limits>

#include "kernels/quantization.h"
#include "kernels/reference/op_checks.h"
#include "microml/kernel.h"

namespace microml {

constexpr int kMaxReduceRank = 8;
// TFLM's MEAN and SUM keep a 5-entry index on the stack.
constexpr int kMaxMeanSumRank = 5;
constexpr int kReducerKeepDimsField = 0;

struct ReduceAxes {
  // Product of the reduced dimensions. It stops growing past 2^32, a size
  // only an empty input can have.
  int64_t num_reduced_elements;
  bool reduced[kMaxReduceRank];  // per input dimension
};

struct ReduceData {
  bool keep_dims;
  bool axes_constant;
  ReduceAxes axes;  // when axes_constant
  // Quantized MEAN and SUM.
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t multiplier;
  int32_t shift;
  int sum_scratch;
};

// The axes named by `axis` for `input`. A scalar input ignores them, as TFLM
// does.
inline Status ResolveReduceAxes(OpContext& ctx, const Tensor& input, const Tensor& axis,
                                ReduceAxes* axes) {
  for (int d = 0; d < kMaxReduceRank; ++d) axes->reduced[d] = false;
  axes->num_reduced_elements = 1;
  if (input.rank == 0) return Status::kOk;
  const int32_t* values = axis.data_as<const int32_t>();
  const uint32_t count = axis.element_count();
  for (uint32_t i = 0; i < count; ++i) {
    const int32_t a = values[i] < 0 ? values[i] + input.rank : values[i];
    if (a < 0 || a >= input.rank) {
      return ctx.Fail(Status::kInvalidModel, "axis %d out of range for rank %d",
                      static_cast<int>(values[i]), input.rank);
    }
    if (!axes->reduced[a]) {
      axes->reduced[a] = true;
      if (axes->num_reduced_elements <= (int64_t{1} << 32)) {
        axes->num_reduced_elements *= input.dims[a];
      }
    }
  }
  return Status::kOk;
}

// Requires `output` to have the shape of `input` reduced over `axes`.
inline Status CheckReducedShape(OpContext& ctx, const Tensor& input, const ReduceAxes& axes,
                                bool keep_dims, const Tensor& output) {
  int rank = 0;
  int32_t want[kMaxReduceRank];
  for (int d = 0; d < input.rank; ++d) {
    if (!axes.reduced[d]) {
      want[rank++] = input.dims[d];
    } else if (keep_dims) {
      want[rank++] = 1;
    }
  }
  bool same = output.rank == rank;
  for (int d = 0; same && d < rank; ++d) same = output.dims[d] == want[d];
  if (!same) {
    return ctx.Fail(Status::kInvalidModel,
                    "output has rank %d and %u elements, the reduction gives rank %d (keep_dims "
                    "%d)",
                    output.rank, static_cast<unsigned>(output.element_count()), rank,
                    keep_dims ? 1 : 0);
  }
  return Status::kOk;
}

// Counts, types of the axis input, rank limit and, for constant axes, the
// resolved axes and the output shape. The data and output types are the
// caller's.
inline Status PrepareReduce(OpContext& ctx, int max_rank, ReduceData* data) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *input, *axis, *output;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &input));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &axis));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &output));
  if (axis->type != TensorType::kINT32) return ctx.FailUnsupportedTypes();
  if (input->rank > max_rank) {
    return ctx.Fail(Status::kUnsupported, "input rank %d, at most %d supported", input->rank,
                    max_rank);
  }
  data->keep_dims =
      OptionsAs(ctx, OptionsType::kReducerOptions).GetBool(kReducerKeepDimsField, false);
  data->axes_constant = axis->is_constant();
  if (!data->axes_constant) return Status::kOk;
  MICROML_RETURN_IF_ERROR(ResolveReduceAxes(ctx, *input, *axis, &data->axes));
  return CheckReducedShape(ctx, *input, data->axes, data->keep_dims, *output);
}

// The axes of this invocation: the constant ones, or the runtime ones once
// they pass the checks prepare could not make.
inline Status GetReduceAxes(OpContext& ctx, const ReduceData& data, ReduceAxes* axes) {
  if (data.axes_constant) {
    *axes = data.axes;
    return Status::kOk;
  }
  const Tensor& input = *ctx.input(0);
  MICROML_RETURN_IF_ERROR(ResolveReduceAxes(ctx, input, *ctx.input(1), axes));
  return CheckReducedShape(ctx, input, *axes, data.keep_dims, *ctx.output(0));
}

// Calls f(output_index, value) for every input element in row-major order.
template <typename T, typename F>
void ForEachReduced(const Tensor& input, const ReduceAxes& axes, F f) {
  const uint32_t n = input.element_count();
  const int rank = input.rank;
  uint32_t out_stride[kMaxReduceRank];
  uint32_t acc = 1;
  for (int d = rank - 1; d >= 0; --d) {
    out_stride[d] = axes.reduced[d] ? 0 : acc;
    if (!axes.reduced[d]) acc *= static_cast<uint32_t>(input.dims[d]);
  }
  const T* x = input.data_as<const T>();
  int32_t index[kMaxReduceRank] = {};
  uint32_t o = 0;
  for (uint32_t i = 0; i < n; ++i) {
    f(o, x[i]);
    for (int d = rank - 1; d >= 0; --d) {
      o += out_stride[d];
      if (++index[d] < input.dims[d]) break;
      o -= out_stride[d] * static_cast<uint32_t>(input.dims[d]);
      index[d] = 0;
    }
  }
}

// out[k] = init, then out[k] = f(out[k], x) over the elements reduced into k.
template <typename T, typename F>
void ReduceGeneric(const Tensor& input, const ReduceAxes& axes, const Tensor& output, T init, F f) {
  T* out = output.data_as<T>();
  const uint32_t m = output.element_count();
  for (uint32_t k = 0; k < m; ++k) out[k] = init;
  ForEachReduced<T>(input, axes, [out, f](uint32_t k, T x) { out[k] = f(out[k], x); });
}

// --- MEAN and SUM: float32, and int8/int16 rescaled from the raw int32 sum.

inline Status PrepareMeanOrSum(OpContext& ctx) {
  ReduceData* data = ctx.AllocatePersistent<ReduceData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  MICROML_RETURN_IF_ERROR(PrepareReduce(ctx, kMaxMeanSumRank, data));
  const Tensor& input = *ctx.input(0);
  const Tensor& output = *ctx.output(0);
  const TensorType t = input.type;
  if (output.type != t ||
      !(t == TensorType::kFLOAT32 || t == TensorType::kINT8 || t == TensorType::kINT16)) {
    return ctx.FailUnsupportedTypes();
  }
  if (t == TensorType::kFLOAT32) return Status::kOk;
  QuantParams qi, qo;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), t, "input", &qi));
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.output_ref(0), t, "output", &qo));
  data->input_zero_point = qi.zero_point;
  data->output_zero_point = qo.zero_point;
  int shift = 0;
  QuantizeMultiplier(static_cast<double>(qi.scale) / static_cast<double>(qo.scale),
                     &data->multiplier, &shift);
  if (shift > 31) {
    return ctx.Fail(Status::kUnsupported, "rescale factor 2^%d too large: output scale too small",
                    shift);
  }
  data->shift = shift;
  return ctx.RequestScratch(output.element_count() * sizeof(int32_t), &data->sum_scratch);
}

template <typename T>
void MeanOrSumQuantized(const ReduceData& d, bool mean, const ReduceAxes& axes, const Tensor& input,
                        const Tensor& output, int32_t* sums) {
  const uint32_t m = output.element_count();
  T* out = output.data_as<T>();
  for (uint32_t k = 0; k < m; ++k) {
    sums[k] = 0;
    out[k] = 0;
  }
  // TFLM leaves zeros when there is nothing to reduce.
  if (input.element_count() == 0) return;
  ForEachReduced<T>(input, axes, [sums](uint32_t k, T x) { sums[k] = WrapAdd(sums[k], x); });
  const int64_t n = axes.num_reduced_elements;
  int32_t multiplier = d.multiplier;
  int shift = d.shift;
  if (mean) {
    // 1/n joins the multiplier, with as many extra bits as n needs (at most 32
    // and never beyond a total right shift of 31).
    int extra = 63 - __builtin_clzll(static_cast<uint64_t>(n));
    extra = extra < 32 ? extra : 32;
    extra = extra < 31 + shift ? extra : 31 + shift;
    multiplier = static_cast<int32_t>((static_cast<int64_t>(multiplier) << extra) / n);
    shift -= extra;
  }
  const int32_t lo = std::numeric_limits<T>::min();
  const int32_t hi = std::numeric_limits<T>::max();
  for (uint32_t k = 0; k < m; ++k) {
    // The offset sum is taken modulo 2^32, as TFLM's int32 temporary holds it.
    const int32_t offset_sum = static_cast<int32_t>(static_cast<uint32_t>(
        static_cast<uint64_t>(static_cast<int64_t>(sums[k]) - d.input_zero_point * n)));
    const int32_t v =
        WrapAdd(MultiplyByQuantizedMultiplier(offset_sum, multiplier, shift), d.output_zero_point);
    out[k] = static_cast<T>(v < lo ? lo : (v > hi ? hi : v));
  }
}

template <bool kMean>
Status EvalMeanOrSum(OpContext& ctx) {
  const ReduceData& d = *ctx.op_data_as<ReduceData>();
  ReduceAxes axes;
  MICROML_RETURN_IF_ERROR(GetReduceAxes(ctx, d, &axes));
  const Tensor& input = *ctx.input(0);
  const Tensor& output = *ctx.output(0);
  switch (input.type) {
    case TensorType::kFLOAT32: {
      ReduceGeneric<float>(input, axes, output, 0.0f, [](float acc, float x) { return acc + x; });
      const int64_t n = axes.num_reduced_elements;
      if (kMean && n > 0) {
        float* out = output.data_as<float>();
        const uint32_t m = output.element_count();
        for (uint32_t k = 0; k < m; ++k) out[k] = out[k] / static_cast<float>(n);
      }
      break;
    }
    case TensorType::kINT8:
      MeanOrSumQuantized<int8_t>(d, kMean, axes, input, output,
                                 static_cast<int32_t*>(ctx.scratch(d.sum_scratch)));
      break;
    default:
      MeanOrSumQuantized<int16_t>(d, kMean, axes, input, output,
                                  static_cast<int32_t*>(ctx.scratch(d.sum_scratch)));
      break;
  }
  return Status::kOk;
}

// --- REDUCE_MAX and REDUCE_MIN: float32, and int8 with the output quantized
// exactly as the input (values are compared raw).

inline Status PrepareMaxOrMin(OpContext& ctx) {
  ReduceData* data = ctx.AllocatePersistent<ReduceData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  MICROML_RETURN_IF_ERROR(PrepareReduce(ctx, kMaxReduceRank, data));
  const TensorType t = ctx.input(0)->type;
  if (ctx.output(0)->type != t || !(t == TensorType::kFLOAT32 || t == TensorType::kINT8)) {
    return ctx.FailUnsupportedTypes();
  }
  if (t == TensorType::kINT8) {
    QuantParams qi, qo;
    MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), t, "input", &qi));
    MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.output_ref(0), t, "output", &qo));
    if (qi.scale != qo.scale || qi.zero_point != qo.zero_point) {
      return ctx.Fail(Status::kUnsupported,
                      "output quantization (zero point %d) must equal the input's (zero point "
                      "%d), scales included",
                      static_cast<int>(qo.zero_point), static_cast<int>(qi.zero_point));
    }
  }
  return Status::kOk;
}

// TFLM's choice: a NaN never replaces the running value.
template <bool kMax>
Status EvalMaxOrMin(OpContext& ctx) {
  ReduceAxes axes;
  MICROML_RETURN_IF_ERROR(GetReduceAxes(ctx, *ctx.op_data_as<ReduceData>(), &axes));
  const Tensor& input = *ctx.input(0);
  const Tensor& output = *ctx.output(0);
  if (input.type == TensorType::kFLOAT32) {
    const float init =
        kMax ? -std::numeric_limits<float>::max() : std::numeric_limits<float>::max();
    ReduceGeneric<float>(input, axes, output, init, [](float acc, float x) {
      return kMax ? (x > acc ? x : acc) : (x < acc ? x : acc);
    });
  } else {
    const int8_t init =
        kMax ? std::numeric_limits<int8_t>::min() : std::numeric_limits<int8_t>::max();
    ReduceGeneric<int8_t>(input, axes, output, init, [](int8_t acc, int8_t x) {
      return kMax ? (x > acc ? x : acc) : (x < acc ? x : acc);
    });
  }
  return Status::kOk;
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_REDUCE_H_
