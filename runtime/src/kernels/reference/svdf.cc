// SVDF: a rank-factored time convolution with a state of the last
// memory_size feature activations per filter (a variable tensor, shifted one
// step per invocation). Float32, and int8 with an int16 or int8 state (and
// weights_time of the same type), as TFLM's reference kernel. The int8 path
// applies no fused activation, like TFLM's.
//
// Inputs: input [batch, input_size], weights_feature [filters, input_size],
// weights_time [filters, memory], bias [filters / rank], state [batch,
// memory * filters]. Output [batch, filters / rank].
#include <string.h>

#include <cmath>
#include <limits>

#include "kernels/activation.h"
#include "kernels/quantization.h"
#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// SVDFOptions field indices.
constexpr int kRankField = 0;
constexpr int kActivationField = 1;

enum class Kind : uint8_t { kFloat, kInt16State, kInt8State };

struct SvdfData {
  Kind kind;
  Activation activation;
  int32_t batch;
  int32_t input_size;
  int32_t filters;
  int32_t memory;
  int32_t rank;
  int32_t units;
  int32_t multiplier1;  // input * feature weights -> state
  int32_t shift1;
  int32_t multiplier2;  // state * time weights -> output
  int32_t shift2;
  int32_t input_zero_point;
  int32_t state_zero_point;
  int32_t output_zero_point;
  int scratch;         // float: [batch, filters]; int8: int32 [batch, filters]
  int output_scratch;  // int8 only: int32 [batch, units]
};

// First scale and zero point, as TFLM's params.scale / params.zero_point.
Status FirstQuant(OpContext& ctx, int input, const char* what, float* scale, int32_t* zp) {
  const QuantizationRef q = ctx.input_ref(input).quantization();
  if (q.scale.empty() || q.zero_point.empty()) {
    return ctx.Fail(Status::kInvalidModel, "%s has no quantization parameters", what);
  }
  *scale = q.scale[0];
  if (!(*scale > 0.0f) || !std::isfinite(*scale)) {
    return ctx.Fail(Status::kInvalidModel, "%s scale is not a positive finite number", what);
  }
  const int64_t z = q.zero_point[0];
  if (z < INT32_MIN || z > INT32_MAX) {
    return ctx.Fail(Status::kInvalidModel, "%s zero point %lld does not fit 32 bits", what,
                    static_cast<long long>(z));
  }
  *zp = static_cast<int32_t>(z);
  return Status::kOk;
}

Status CheckZeroPoint(OpContext& ctx, const char* what, int32_t zp, TensorType type) {
  int64_t lo = 0, hi = 0;
  if (!ZeroPointRange(type, &lo, &hi) || zp < lo || zp > hi) {
    return ctx.Fail(Status::kInvalidModel, "%s zero point %d is outside its %s range", what,
                    static_cast<int>(zp), TensorTypeName(type));
  }
  return Status::kOk;
}

Status PrepareQuantized(OpContext& ctx, const Tensor& wt, const Tensor& state, const Tensor& bias,
                        const Tensor& output, SvdfData* d) {
  if (ctx.input(1)->type != TensorType::kINT8 || output.type != TensorType::kINT8 ||
      !IsOneOf(wt.type, TensorType::kINT16, TensorType::kINT8) || state.type != wt.type) {
    return ctx.FailUnsupportedTypes();
  }
  if (bias.type != TensorType::kINT32) return ctx.FailUnsupportedTypes();
  d->kind = wt.type == TensorType::kINT16 ? Kind::kInt16State : Kind::kInt8State;
  float input_scale, feature_scale, time_scale, state_scale, bias_scale, output_scale;
  int32_t unused = 0;
  MICROML_RETURN_IF_ERROR(FirstQuant(ctx, 0, "input", &input_scale, &d->input_zero_point));
  MICROML_RETURN_IF_ERROR(FirstQuant(ctx, 1, "weights_feature", &feature_scale, &unused));
  MICROML_RETURN_IF_ERROR(FirstQuant(ctx, 2, "weights_time", &time_scale, &unused));
  MICROML_RETURN_IF_ERROR(FirstQuant(ctx, 3, "bias", &bias_scale, &unused));
  MICROML_RETURN_IF_ERROR(FirstQuant(ctx, 4, "state", &state_scale, &d->state_zero_point));
  const QuantizationRef oq = ctx.output_ref(0).quantization();
  if (oq.scale.empty() || oq.zero_point.empty() || !(oq.scale[0] > 0.0f) ||
      !std::isfinite(oq.scale[0])) {
    return ctx.Fail(Status::kInvalidModel, "output needs a positive finite scale");
  }
  output_scale = oq.scale[0];
  d->output_zero_point = static_cast<int32_t>(oq.zero_point[0]);
  MICROML_RETURN_IF_ERROR(CheckZeroPoint(ctx, "input", d->input_zero_point, TensorType::kINT8));
  MICROML_RETURN_IF_ERROR(CheckZeroPoint(ctx, "state", d->state_zero_point, state.type));
  if (oq.zero_point[0] < -128 || oq.zero_point[0] > 127) {
    return ctx.Fail(Status::kInvalidModel, "output zero point %lld is outside int8",
                    static_cast<long long>(oq.zero_point[0]));
  }
  const double state_time = static_cast<double>(state_scale) * static_cast<double>(time_scale);
  const double product1 = static_cast<double>(input_scale) * static_cast<double>(feature_scale) /
                          static_cast<double>(state_scale);
  const double product2 = state_time / static_cast<double>(output_scale);
  if (!(std::fabs(static_cast<double>(bias_scale) - state_time) < 1e-5)) {
    return ctx.Fail(Status::kInvalidModel,
                    "bias scale differs from state scale * weights_time scale by 1e-5 or more");
  }
  if (!std::isfinite(product1) || !std::isfinite(product2) || !(product1 > 0.0) ||
      !(product2 > 0.0)) {
    return ctx.Fail(Status::kInvalidModel, "rescaling factors are not positive finite numbers");
  }
  int shift = 0;
  QuantizeMultiplier(product1, &d->multiplier1, &shift);
  d->shift1 = shift;
  QuantizeMultiplier(product2, &d->multiplier2, &shift);
  d->shift2 = shift;
  if (d->shift1 > 30 || d->shift2 > 30) {
    return ctx.Fail(Status::kUnsupported, "rescaling factor of 2^30 or more");
  }
  MICROML_RETURN_IF_ERROR(ctx.RequestScratch(
      static_cast<size_t>(d->batch) * static_cast<size_t>(d->filters) * sizeof(int32_t),
      &d->scratch));
  return ctx.RequestScratch(
      static_cast<size_t>(d->batch) * static_cast<size_t>(d->units) * sizeof(int32_t),
      &d->output_scratch);
}

Status SvdfPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 5, 5, 1));
  Tensor *input, *wf, *wt, *state, *output;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &input));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &wf));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 2, &wt));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 4, &state));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &output));
  // The schema makes the bias optional, but TFLM's kernel cannot run without
  // one (it dereferences the missing tensor).
  Tensor* bias;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 3, &bias));
  const TableRef options = OptionsAs(ctx, OptionsType::kSVDFOptions);
  const int32_t rank = options.GetInt32(kRankField, 0);
  const int8_t activation = options.GetInt8(kActivationField, 0);
  if (input->rank != 2 || wf->rank != 2 || wt->rank != 2 || state->rank != 2 || output->rank != 2) {
    return ctx.Fail(Status::kInvalidModel,
                    "input, weights, state and output must be 2-D (ranks %d %d %d %d %d)",
                    input->rank, wf->rank, wt->rank, state->rank, output->rank);
  }
  SvdfData params = {};
  params.batch = input->dims[0];
  params.input_size = input->dims[1];
  params.filters = wf->dims[0];
  params.memory = wt->dims[1];
  params.rank = rank;
  if (rank < 1 || params.filters % rank != 0 || params.memory < 1) {
    return ctx.Fail(Status::kInvalidModel, "rank %d does not divide %d filters (memory %d)",
                    static_cast<int>(rank), static_cast<int>(params.filters),
                    static_cast<int>(params.memory));
  }
  params.units = params.filters / rank;
  const int64_t state_width = static_cast<int64_t>(params.memory) * params.filters;
  if (wf->dims[1] != params.input_size || wt->dims[0] != params.filters ||
      output->dims[0] != params.batch || output->dims[1] != params.units ||
      state->dims[0] != params.batch || state->dims[1] != state_width) {
    return ctx.Fail(Status::kInvalidModel,
                    "shapes disagree: input [%d, %d], weights_feature [%d, %d], weights_time "
                    "[%d, %d], state [%d, %d], output [%d, %d]",
                    static_cast<int>(input->dims[0]), static_cast<int>(input->dims[1]),
                    static_cast<int>(wf->dims[0]), static_cast<int>(wf->dims[1]),
                    static_cast<int>(wt->dims[0]), static_cast<int>(wt->dims[1]),
                    static_cast<int>(state->dims[0]), static_cast<int>(state->dims[1]),
                    static_cast<int>(output->dims[0]), static_cast<int>(output->dims[1]));
  }
  if (bias->rank < 1 || bias->dims[0] != params.units ||
      bias->element_count() != static_cast<uint32_t>(params.units)) {
    return ctx.Fail(Status::kInvalidModel, "bias must hold %d values",
                    static_cast<int>(params.units));
  }
  if (!ctx.input_ref(4).is_variable()) {
    return ctx.Fail(Status::kInvalidModel, "state (input 4) is not a variable tensor");
  }
  SvdfData* d = ctx.AllocatePersistent<SvdfData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  *d = params;
  ctx.set_op_data(d);
  if (input->type == TensorType::kFLOAT32) {
    if (wf->type != TensorType::kFLOAT32 || wt->type != TensorType::kFLOAT32 ||
        state->type != TensorType::kFLOAT32 || output->type != TensorType::kFLOAT32 ||
        bias->type != TensorType::kFLOAT32) {
      return ctx.FailUnsupportedTypes();
    }
    if (activation < 0 || activation > static_cast<int8_t>(Activation::kSignBit)) {
      return ctx.Fail(Status::kUnsupported, "fused activation %d is not supported",
                      static_cast<int>(activation));
    }
    d->kind = Kind::kFloat;
    d->activation = static_cast<Activation>(activation);
    return ctx.RequestScratch(
        static_cast<size_t>(d->batch) * static_cast<size_t>(d->filters) * sizeof(float),
        &d->scratch);
  }
  if (input->type != TensorType::kINT8) return ctx.FailUnsupportedTypes();
  return PrepareQuantized(ctx, *wt, *state, *bias, *output, d);
}

// Drops the oldest entry of every filter's memory: the state moves left by one
// element as a whole, and each filter's newest slot is rewritten afterwards.
template <typename T>
void ShiftState(T* state, size_t count) {
  if (count > 1) memmove(state, state + 1, (count - 1) * sizeof(T));
}

// TFLM's ActivationValFloat; its TfLiteMax/TfLiteMin are fmax/fmin.
float ApplyActivation(Activation a, float x) {
  switch (a) {
    case Activation::kRelu:
      return std::fmax(0.0f, x);
    case Activation::kReluN1To1:
      return std::fmax(-1.0f, std::fmin(x, 1.0f));
    case Activation::kRelu6:
      return std::fmax(0.0f, std::fmin(x, 6.0f));
    case Activation::kTanh:
      return std::tanh(x);
    case Activation::kSignBit:
      return std::signbit(x) ? 1.0f : 0.0f;
    default:
      return x;
  }
}

void EvalFloat(const SvdfData& d, const float* input, const float* wf, const float* wt,
               const float* bias, float* state, float* scratch, float* output) {
  const int32_t b_stride = d.filters * d.memory;
  ShiftState(state, static_cast<size_t>(d.batch) * static_cast<size_t>(b_stride));
  for (int32_t b = 0; b < d.batch; ++b) {
    const float* in = input + static_cast<size_t>(b) * d.input_size;
    for (int32_t f = 0; f < d.filters; ++f) {
      const float* w = wf + static_cast<size_t>(f) * d.input_size;
      float dot = 0.0f;
      for (int32_t k = 0; k < d.input_size; ++k) dot += w[k] * in[k];
      state[static_cast<size_t>(b) * b_stride + static_cast<size_t>(f) * d.memory + d.memory - 1] =
          dot;
    }
  }
  for (int32_t b = 0; b < d.batch; ++b) {
    const float* s = state + static_cast<size_t>(b) * b_stride;
    for (int32_t f = 0; f < d.filters; ++f) {
      float acc = 0.0f;
      for (int32_t m = 0; m < d.memory; ++m) {
        acc += wt[static_cast<size_t>(f) * d.memory + m] * s[static_cast<size_t>(f) * d.memory + m];
      }
      scratch[static_cast<size_t>(b) * d.filters + f] = acc;
    }
  }
  for (int32_t b = 0; b < d.batch; ++b) {
    float* out = output + static_cast<size_t>(b) * d.units;
    const float* sc = scratch + static_cast<size_t>(b) * d.filters;
    for (int32_t u = 0; u < d.units; ++u) {
      float v = bias[u];
      for (int32_t r = 0; r < d.rank; ++r) v += sc[static_cast<size_t>(u) * d.rank + r];
      out[u] = ApplyActivation(d.activation, v);
    }
  }
}

template <typename T>
void EvalQuantized(const SvdfData& d, const int8_t* input, const int8_t* wf, const T* wt,
                   const int32_t* bias, T* state, int32_t* scratch, int32_t* out_scratch,
                   int8_t* output) {
  const int32_t b_stride = d.filters * d.memory;
  ShiftState(state, static_cast<size_t>(d.batch) * static_cast<size_t>(b_stride));
  constexpr int32_t kStateMin = std::numeric_limits<T>::min();
  constexpr int32_t kStateMax = std::numeric_limits<T>::max();
  for (int32_t b = 0; b < d.batch; ++b) {
    const int8_t* in = input + static_cast<size_t>(b) * d.input_size;
    for (int32_t f = 0; f < d.filters; ++f) {
      const int8_t* w = wf + static_cast<size_t>(f) * d.input_size;
      int32_t dot = 0;
      for (int32_t k = 0; k < d.input_size; ++k) {
        dot = WrapAdd(dot, static_cast<int32_t>(w[k]) * (in[k] - d.input_zero_point));
      }
      dot = MultiplyByQuantizedMultiplier(dot, d.multiplier1, d.shift1);
      // TFLM clamps before adding the state zero point, so the sum can wrap
      // when narrowed into the state.
      dot = Clamp<T>(dot, kStateMin, kStateMax);
      state[static_cast<size_t>(b) * b_stride + static_cast<size_t>(f) * d.memory + d.memory - 1] =
          static_cast<T>(WrapAdd(dot, d.state_zero_point));
    }
  }
  for (int32_t b = 0; b < d.batch; ++b) {
    const T* s = state + static_cast<size_t>(b) * b_stride;
    for (int32_t f = 0; f < d.filters; ++f) {
      int32_t acc = 0;
      for (int32_t m = 0; m < d.memory; ++m) {
        const size_t at = static_cast<size_t>(f) * d.memory + m;
        acc = WrapAdd(acc, static_cast<int32_t>(wt[at]) * (s[at] - d.state_zero_point));
      }
      scratch[static_cast<size_t>(b) * d.filters + f] = acc;
    }
  }
  for (int32_t b = 0; b < d.batch; ++b) {
    int32_t* out = out_scratch + static_cast<size_t>(b) * d.units;
    const int32_t* sc = scratch + static_cast<size_t>(b) * d.filters;
    for (int32_t u = 0; u < d.units; ++u) {
      int32_t v = bias[u];
      for (int32_t r = 0; r < d.rank; ++r) v = WrapAdd(v, sc[static_cast<size_t>(u) * d.rank + r]);
      out[u] = v;
    }
  }
  const size_t total = static_cast<size_t>(d.batch) * static_cast<size_t>(d.units);
  for (size_t i = 0; i < total; ++i) {
    const int32_t scaled = MultiplyByQuantizedMultiplier(out_scratch[i], d.multiplier2, d.shift2);
    output[i] = Clamp<int8_t>(WrapAdd(scaled, d.output_zero_point), -128, 127);
  }
}

Status SvdfEval(OpContext& ctx) {
  const SvdfData& d = *ctx.op_data_as<SvdfData>();
  const Tensor* bias = ctx.input(3);
  const Tensor& state = *ctx.input(4);
  switch (d.kind) {
    case Kind::kFloat:
      EvalFloat(d, ctx.input(0)->data_as<const float>(), ctx.input(1)->data_as<const float>(),
                ctx.input(2)->data_as<const float>(), bias->data_as<const float>(),
                state.data_as<float>(), static_cast<float*>(ctx.scratch(d.scratch)),
                ctx.output(0)->data_as<float>());
      break;
    case Kind::kInt16State:
      EvalQuantized<int16_t>(
          d, ctx.input(0)->data_as<const int8_t>(), ctx.input(1)->data_as<const int8_t>(),
          ctx.input(2)->data_as<const int16_t>(), bias->data_as<const int32_t>(),
          state.data_as<int16_t>(), static_cast<int32_t*>(ctx.scratch(d.scratch)),
          static_cast<int32_t*>(ctx.scratch(d.output_scratch)), ctx.output(0)->data_as<int8_t>());
      break;
    case Kind::kInt8State:
      EvalQuantized<int8_t>(
          d, ctx.input(0)->data_as<const int8_t>(), ctx.input(1)->data_as<const int8_t>(),
          ctx.input(2)->data_as<const int8_t>(), bias->data_as<const int32_t>(),
          state.data_as<int8_t>(), static_cast<int32_t*>(ctx.scratch(d.scratch)),
          static_cast<int32_t*>(ctx.scratch(d.output_scratch)), ctx.output(0)->data_as<int8_t>());
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSvdf = {static_cast<int32_t>(BuiltinOp::kSVDF),
                                          nullptr,
                                          4,
                                          SvdfPrepare,
                                          SvdfEval,
                                          nullptr,
                                          "float32 int8 int8_state8"};

}  // namespace microml
