// UNIDIRECTIONAL_SEQUENCE_LSTM: the standard (Keras) LSTM over a sequence, as
// TFLM's reference kernel runs it: no CIFG, peephole, projection or layer
// normalization (those inputs must be omitted), hidden and cell state in
// variable tensors carried across invocations.
//
//   float32: float everything.
//   int8:    int8 activations and weights, int32 biases, int16 cell state.
//   int16:   int16 activations, int8 weights, int64 biases, int16 cell state.
//
// Quantized gates are fully connected layers into Q3.12, added with
// saturation and squashed by the int16 sigmoid/tanh tables into Q0.15; the
// intermediate tensors some converters attach are not consulted (TFLM's
// kernel fixes those scales). Inputs follow TFLite's 24-tensor layout: input,
// 4 input weights, 4 recurrent weights, 3 peephole weights, 4 gate biases,
// projection weights and bias, hidden state, cell state, 4 layer-norm weights.
#include <string.h>

#include <cmath>
#include <limits>

#include "kernels/activation.h"
#include "kernels/quantization.h"
#include "kernels/reference/logistic_tanh.h"
#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// UnidirectionalSequenceLSTMOptions field indices.
constexpr int kActivationField = 0;
constexpr int kCellClipField = 1;
constexpr int kTimeMajorField = 3;

constexpr int kInput = 0;
constexpr int kHiddenState = 18;
constexpr int kCellState = 19;
constexpr int kNumInputs = 24;

// Gate order of the tensor layout's blocks: input, forget, cell, output.
enum Gate { kInputGate = 0, kForgetGate = 1, kCellGate = 2, kOutputGate = 3 };
inline int InputWeights(int gate) {
  return 1 + gate;
}
inline int RecurrentWeights(int gate) {
  return 5 + gate;
}
inline int Bias(int gate) {
  return 12 + gate;
}

// Gate pre-activations are Q3.12 (scale 2^-12), gate outputs Q0.15.
constexpr float kGateInputScale = 0.000244140625f;
constexpr float kGateOutputScale = 0.000030517578125f;

enum class Kind : uint8_t { kFloat, kInt8, kInt16 };

struct FcParams {
  int32_t multiplier;
  int32_t shift;
  int32_t weights_offset;
};

// Elementwise int16 x int16 product, requantized.
struct MulParams {
  int32_t multiplier;
  int32_t shift;
  int32_t output_offset;
  int32_t lo;
  int32_t hi;
};

struct LstmData {
  Kind kind;
  bool time_major;
  bool clip;  // cell_clip > 0
  int32_t batch;
  int32_t time;
  int32_t input_dim;
  int32_t state_dim;
  FcParams input_fc[4];
  FcParams recurrent_fc[4];
  int32_t input_offset;   // minus the input zero point
  int32_t hidden_offset;  // minus the hidden state zero point
  MulParams forget_times_cell;
  MulParams input_times_cell_gate;
  MulParams output_times_tanh;
  SigmoidData cell_tanh;  // rescales the cell state to the tanh table's input
  int16_t quantized_clip;
  float cell_clip;
  int scratch[4];
};

struct Quant {
  float scale;
  int32_t zero_point;
};

// Scale and zero point as TFLM's params (entry 0), validated.
Status ReadQuant(OpContext& ctx, int input, TensorType type, const char* what, bool per_tensor,
                 Quant* q) {
  const QuantizationRef r = ctx.input_ref(input).quantization();
  if (r.scale.empty() || r.zero_point.empty()) {
    return ctx.Fail(Status::kInvalidModel, "%s has no quantization parameters", what);
  }
  if (per_tensor && r.scale.size() != 1) {
    return ctx.Fail(Status::kUnsupported, "%s has %u scales; only per-tensor weights run", what,
                    static_cast<unsigned>(r.scale.size()));
  }
  q->scale = r.scale[0];
  if (!(q->scale > 0.0f) || !std::isfinite(q->scale)) {
    return ctx.Fail(Status::kInvalidModel, "%s scale is not a positive finite number", what);
  }
  int64_t lo = 0, hi = 0;
  const int64_t zp = r.zero_point[0];
  if (!ZeroPointRange(type, &lo, &hi) || zp < lo || zp > hi) {
    return ctx.Fail(Status::kInvalidModel, "%s zero point %lld is outside the %s range", what,
                    static_cast<long long>(zp), TensorTypeName(type));
  }
  q->zero_point = static_cast<int32_t>(zp);
  return Status::kOk;
}

// QuantizeMultiplier with the shift range the 32- or 64-bit rescaling handles.
Status Multiplier(OpContext& ctx, double real, bool wide, int32_t* multiplier, int32_t* shift) {
  int s = 0;
  QuantizeMultiplier(real, multiplier, &s);
  if (!(real > 0.0) || !std::isfinite(real) || s > (wide ? 14 : 30) || s < (wide ? -48 : -31)) {
    return ctx.Fail(Status::kUnsupported, "rescaling factor (exponent %d) is out of range", s);
  }
  *shift = s;
  return Status::kOk;
}

// TFLM's CreateInterGateMulParams: scales multiplied and divided in double.
Status MakeMul(OpContext& ctx, float scale1, float scale2, float out_scale, TensorType out_type,
               int32_t out_zero_point, MulParams* m) {
  const double real =
      static_cast<double>(scale1) * static_cast<double>(scale2) / static_cast<double>(out_scale);
  MICROML_RETURN_IF_ERROR(Multiplier(ctx, real, false, &m->multiplier, &m->shift));
  m->output_offset = out_zero_point;
  m->lo = out_type == TensorType::kINT8 ? -128 : -32768;
  m->hi = out_type == TensorType::kINT8 ? 127 : 32767;
  return Status::kOk;
}

Status PrepareQuantized(OpContext& ctx, const Tensor& input, const Tensor& hidden, LstmData* d) {
  const bool wide = d->kind == Kind::kInt16;
  Quant in_q, hidden_q, cell_q;
  MICROML_RETURN_IF_ERROR(ReadQuant(ctx, kInput, input.type, "input", false, &in_q));
  MICROML_RETURN_IF_ERROR(
      ReadQuant(ctx, kHiddenState, hidden.type, "hidden state", false, &hidden_q));
  MICROML_RETURN_IF_ERROR(
      ReadQuant(ctx, kCellState, TensorType::kINT16, "cell state", false, &cell_q));
  d->input_offset = -in_q.zero_point;
  d->hidden_offset = -hidden_q.zero_point;
  for (int g = 0; g < 4; ++g) {
    Quant w_in, w_rec;
    MICROML_RETURN_IF_ERROR(
        ReadQuant(ctx, InputWeights(g), TensorType::kINT8, "input weights", true, &w_in));
    MICROML_RETURN_IF_ERROR(
        ReadQuant(ctx, RecurrentWeights(g), TensorType::kINT8, "recurrent weights", true, &w_rec));
    const double in_product = static_cast<double>(in_q.scale) * static_cast<double>(w_in.scale);
    const double rec_product =
        static_cast<double>(hidden_q.scale) * static_cast<double>(w_rec.scale);
    MICROML_RETURN_IF_ERROR(Multiplier(ctx, in_product / static_cast<double>(kGateInputScale), wide,
                                       &d->input_fc[g].multiplier, &d->input_fc[g].shift));
    MICROML_RETURN_IF_ERROR(Multiplier(ctx, rec_product / static_cast<double>(kGateInputScale),
                                       wide, &d->recurrent_fc[g].multiplier,
                                       &d->recurrent_fc[g].shift));
    d->input_fc[g].weights_offset = -w_in.zero_point;
    d->recurrent_fc[g].weights_offset = -w_rec.zero_point;
  }
  MICROML_RETURN_IF_ERROR(MakeMul(ctx, kGateOutputScale, cell_q.scale, cell_q.scale,
                                  TensorType::kINT16, 0, &d->forget_times_cell));
  MICROML_RETURN_IF_ERROR(MakeMul(ctx, kGateOutputScale, kGateOutputScale, cell_q.scale,
                                  TensorType::kINT16, 0, &d->input_times_cell_gate));
  MICROML_RETURN_IF_ERROR(MakeMul(ctx, kGateOutputScale, kGateOutputScale, hidden_q.scale,
                                  hidden.type, hidden_q.zero_point, &d->output_times_tanh));
  // tanh(cell): the cell scale's rounded log2 (TFLM ignores whether it is an
  // exact power of two) sets the shift onto the table's input scale.
  int power = 0;
  CheckedLog2(cell_q.scale, &power);
  const int left_shift = 15 + power - 3;
  if (left_shift > 29 || left_shift < -31) {
    return ctx.Fail(Status::kUnsupported, "cell state scale 2^%d is out of range", power);
  }
  d->cell_tanh.input_multiplier = left_shift >= 0 ? 3 << left_shift : 3;
  d->cell_tanh.input_shift = left_shift >= 0 ? 0 : -left_shift;
  if (d->clip) {
    const double clip = static_cast<double>(d->cell_clip) / static_cast<double>(cell_q.scale);
    d->quantized_clip = static_cast<int16_t>(clip > 32767.0 ? 32767.0 : clip);
  }
  return Status::kOk;
}

Status CheckTypes(OpContext& ctx, LstmData* d) {
  const TensorType act = ctx.input(kInput)->type;
  const TensorType weights = ctx.input(InputWeights(kForgetGate))->type;
  const TensorType bias = ctx.input(Bias(kForgetGate))->type;
  const TensorType cell = ctx.input(kCellState)->type;
  bool ok = ctx.input(kHiddenState)->type == act && ctx.output(0)->type == act;
  for (int g = 0; g < 4; ++g) {
    ok = ok && ctx.input(InputWeights(g))->type == weights &&
         ctx.input(RecurrentWeights(g))->type == weights && ctx.input(Bias(g))->type == bias;
  }
  if (ok && act == TensorType::kFLOAT32 && weights == TensorType::kFLOAT32 &&
      bias == TensorType::kFLOAT32 && cell == TensorType::kFLOAT32) {
    d->kind = Kind::kFloat;
  } else if (ok && act == TensorType::kINT8 && weights == TensorType::kINT8 &&
             bias == TensorType::kINT32 && cell == TensorType::kINT16) {
    d->kind = Kind::kInt8;
  } else if (ok && act == TensorType::kINT16 && weights == TensorType::kINT8 &&
             bias == TensorType::kINT64 && cell == TensorType::kINT16) {
    d->kind = Kind::kInt16;
  } else {
    return ctx.FailUnsupportedTypes();
  }
  return Status::kOk;
}

Status CheckPresence(OpContext& ctx) {
  if (ctx.num_inputs() != kNumInputs || ctx.num_outputs() != 1) {
    return ctx.Fail(Status::kInvalidModel, "has %d inputs and %d outputs, expected 24 and 1",
                    ctx.num_inputs(), ctx.num_outputs());
  }
  for (int i = 0; i < kNumInputs; ++i) {
    const bool required = i == kInput || (i >= 1 && i <= 8) || (i >= 12 && i <= 15) ||
                          i == kHiddenState || i == kCellState;
    if (required) {
      Tensor* t;
      MICROML_RETURN_IF_ERROR(RequireInput(ctx, i, &t));
    } else if (ctx.input(i) != nullptr) {
      return ctx.Fail(Status::kUnsupported,
                      "input %d is given: CIFG, peephole, projection and layer-norm LSTMs do "
                      "not run",
                      i);
    }
  }
  if (!ctx.input_ref(kHiddenState).is_variable() || !ctx.input_ref(kCellState).is_variable()) {
    return ctx.Fail(Status::kInvalidModel, "hidden and cell state must be variable tensors");
  }
  Tensor* out;
  return RequireOutput(ctx, 0, &out);
}

bool IsMatrix(const Tensor& t, int32_t rows, int32_t cols) {
  return t.rank == 2 && t.dims[0] == rows && t.dims[1] == cols;
}

Status CheckShapes(OpContext& ctx, LstmData* d) {
  const Tensor& input = *ctx.input(kInput);
  const Tensor& hidden = *ctx.input(kHiddenState);
  const Tensor& output = *ctx.output(0);
  if (input.rank != 3 || hidden.rank != 2 || output.rank != 3) {
    return ctx.Fail(Status::kInvalidModel,
                    "input, hidden state and output have ranks %d, %d, %d; expected 3, 2, 3",
                    input.rank, hidden.rank, output.rank);
  }
  d->batch = d->time_major ? input.dims[1] : input.dims[0];
  d->time = d->time_major ? input.dims[0] : input.dims[1];
  d->input_dim = input.dims[2];
  d->state_dim = hidden.dims[1];
  const int32_t s = d->state_dim;
  bool ok =
      output.dims[0] == input.dims[0] && output.dims[1] == input.dims[1] && output.dims[2] == s;
  for (int g = 0; g < 4; ++g) {
    const Tensor& bias = *ctx.input(Bias(g));
    ok = ok && IsMatrix(*ctx.input(InputWeights(g)), s, d->input_dim) &&
         IsMatrix(*ctx.input(RecurrentWeights(g)), s, s) && bias.rank == 1 && bias.dims[0] == s;
  }
  const uint64_t states = static_cast<uint64_t>(d->batch) * static_cast<uint64_t>(s);
  ok = ok && hidden.element_count() == states && ctx.input(kCellState)->element_count() == states;
  if (!ok) {
    return ctx.Fail(Status::kInvalidModel,
                    "shapes disagree with input [%d, %d, %d] and state size %d (weights [%d, "
                    "%d] / [%d, %d], biases [%d], states of %llu values, output [%d, %d, %d])",
                    static_cast<int>(input.dims[0]), static_cast<int>(input.dims[1]),
                    static_cast<int>(input.dims[2]), static_cast<int>(s), static_cast<int>(s),
                    static_cast<int>(d->input_dim), static_cast<int>(s), static_cast<int>(s),
                    static_cast<int>(s), static_cast<unsigned long long>(states),
                    static_cast<int>(output.dims[0]), static_cast<int>(output.dims[1]),
                    static_cast<int>(output.dims[2]));
  }
  return Status::kOk;
}

Status LstmPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(CheckPresence(ctx));
  LstmData* d = ctx.AllocatePersistent<LstmData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  MICROML_RETURN_IF_ERROR(CheckTypes(ctx, d));
  const TableRef options = OptionsAs(ctx, OptionsType::kUnidirectionalSequenceLSTMOptions);
  const int8_t activation = options.GetInt8(kActivationField, 0);
  if (activation != static_cast<int8_t>(Activation::kTanh)) {
    return ctx.Fail(Status::kUnsupported, "cell activation %d is not supported (TANH only)",
                    static_cast<int>(activation));
  }
  d->time_major = options.GetBool(kTimeMajorField, false);
  d->cell_clip = options.GetFloat(kCellClipField, 0.0f);
  d->clip = d->cell_clip > 0.0f;
  MICROML_RETURN_IF_ERROR(CheckShapes(ctx, d));
  if (d->kind != Kind::kFloat) {
    MICROML_RETURN_IF_ERROR(PrepareQuantized(ctx, *ctx.input(kInput), *ctx.input(kHiddenState), d));
  }
  const size_t cell_bytes = d->kind == Kind::kFloat ? sizeof(float) : sizeof(int16_t);
  const size_t buffer =
      static_cast<size_t>(d->batch) * static_cast<size_t>(d->state_dim) * cell_bytes;
  for (int i = 0; i < 4; ++i) MICROML_RETURN_IF_ERROR(ctx.RequestScratch(buffer, &d->scratch[i]));
  return Status::kOk;
}

// --- one time step over `rows` batch rows ---

// Where a step reads and writes: TFLM runs time-major input one time step of
// all batches at a time, and batch-major input one batch row at a time.
struct StepSlices {
  size_t input;   // element offset into the input
  size_t state;   // element offset into hidden and cell state
  size_t output;  // element offset into the output
  int32_t rows;
};

template <typename T>
struct StepTensors {
  const T* input;
  T* hidden;
  T* output;
};

// Integer fully connected layer into the Q3.12 gate domain. Acc is int32 for
// int8 activations and int64 for int16.
template <typename Act, typename Acc>
void FullyConnectedInt(const Act* x, int32_t rows, int32_t depth, const int8_t* w, int32_t units,
                       const FcParams& p, int32_t x_offset, const Acc* bias, int16_t* out) {
  for (int32_t r = 0; r < rows; ++r) {
    const Act* xr = x + static_cast<size_t>(r) * depth;
    for (int32_t u = 0; u < units; ++u) {
      const int8_t* wu = w + static_cast<size_t>(u) * depth;
      Acc acc = 0;
      for (int32_t k = 0; k < depth; ++k) {
        acc = WrappingAdd(acc, static_cast<Acc>((wu[k] + p.weights_offset) * (xr[k] + x_offset)));
      }
      if (bias != nullptr) acc = WrappingAdd(acc, bias[u]);
      const int32_t scaled = MultiplyByQuantizedMultiplier(acc, p.multiplier, p.shift);
      out[static_cast<size_t>(r) * units + u] = Clamp<int16_t>(scaled, -32768, 32767);
    }
  }
}

// The int16 sigmoid and tanh on a Q3.12 argument (TFLM's table interpolation
// with input multiplier 3 and no shift).
void SigmoidQ12(int16_t* v, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t input = 3 * static_cast<int32_t>(v[i]);
    const uint32_t magnitude = Magnitude(input);
    const uint32_t index = magnitude >> 9;
    uint32_t result;
    if (index >= 255) {
      result = 0x7FFFu << 10;
    } else {
      const uint32_t a = kSigmoidTable[index];
      const uint32_t b = kSigmoidTable[index + 1];
      result = (a << 9) + (magnitude & 0x1FF) * (b - a);
    }
    result = input >= 0 ? result + (1u << 9) : (1u << 25) - result + (1u << 9) - 1;
    v[i] = static_cast<int16_t>(result >> 10);
  }
}

void TanhInt16(const SigmoidData& p, const int16_t* x, int16_t* y, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t input = SigmoidInt16Input(p, x[i]);
    const uint32_t magnitude = Magnitude(input);
    const uint32_t index = magnitude >> 8;
    int32_t result;
    if (index >= 255) {
      result = 0xFFFF << 8;
    } else {
      const uint32_t a = kSigmoidTable[index];
      const uint32_t b = kSigmoidTable[index + 1];
      result = static_cast<int32_t>((a << 8) + (magnitude & 0xFF) * (b - a));
    }
    result = input >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
    y[i] = static_cast<int16_t>(result >> 8);
  }
}

template <typename Out>
void MulInt(const MulParams& p, const int16_t* a, const int16_t* b, Out* out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t product = static_cast<int32_t>(a[i]) * static_cast<int32_t>(b[i]);
    const int32_t scaled = MultiplyByQuantizedMultiplier(product, p.multiplier, p.shift);
    out[i] = Clamp<Out>(WrapAdd(scaled, p.output_offset), p.lo, p.hi);
  }
}

void AddSaturating(int16_t* a, const int16_t* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    a[i] = Clamp<int16_t>(static_cast<int32_t>(a[i]) + b[i], -32768, 32767);
  }
}

template <typename Act, typename Acc>
void GateInt(OpContext& ctx, const LstmData& d, int gate, const StepSlices& s,
             const StepTensors<Act>& t, int16_t* out, int16_t* fc) {
  const size_t n = static_cast<size_t>(s.rows) * d.state_dim;
  FullyConnectedInt<Act, Acc>(t.input, s.rows, d.input_dim,
                              ctx.input(InputWeights(gate))->data_as<const int8_t>(), d.state_dim,
                              d.input_fc[gate], d.input_offset,
                              ctx.input(Bias(gate))->data_as<const Acc>(), out);
  FullyConnectedInt<Act, Acc>(
      t.hidden, s.rows, d.state_dim, ctx.input(RecurrentWeights(gate))->data_as<const int8_t>(),
      d.state_dim, d.recurrent_fc[gate], d.hidden_offset, static_cast<const Acc*>(nullptr), fc);
  AddSaturating(out, fc, n);
  if (gate == kCellGate) {
    SigmoidData tanh_q12 = {};
    tanh_q12.input_multiplier = 3;
    TanhInt16(tanh_q12, out, out, n);
  } else {
    SigmoidQ12(out, n);
  }
}

template <typename Act, typename Acc>
void StepInt(OpContext& ctx, const LstmData& d, const StepSlices& s, const StepTensors<Act>& t,
             int16_t* cell, int16_t* const* buf) {
  const size_t n = static_cast<size_t>(s.rows) * d.state_dim;
  int16_t* forget = buf[0];
  int16_t* input_gate = buf[1];
  int16_t* cell_gate = buf[2];
  int16_t* fc = buf[3];
  GateInt<Act, Acc>(ctx, d, kForgetGate, s, t, forget, fc);
  GateInt<Act, Acc>(ctx, d, kInputGate, s, t, input_gate, fc);
  GateInt<Act, Acc>(ctx, d, kCellGate, s, t, cell_gate, fc);
  MulInt(d.forget_times_cell, forget, cell, cell, n);
  MulInt(d.input_times_cell_gate, input_gate, cell_gate, input_gate, n);
  AddSaturating(cell, input_gate, n);
  if (d.clip) {
    const int16_t hi = d.quantized_clip;
    const int16_t lo = static_cast<int16_t>(-d.quantized_clip);
    for (size_t i = 0; i < n; ++i) {
      const int16_t v = cell[i] < hi ? cell[i] : hi;
      cell[i] = v < lo ? lo : v;
    }
  }
  int16_t* output_gate = buf[1];
  GateInt<Act, Acc>(ctx, d, kOutputGate, s, t, output_gate, fc);
  int16_t* tanh_cell = buf[0];
  TanhInt16(d.cell_tanh, cell, tanh_cell, n);
  MulInt(d.output_times_tanh, tanh_cell, output_gate, t.hidden, n);
  memcpy(t.output, t.hidden, n * sizeof(Act));
}

// --- float ---

constexpr float kFloatMax = std::numeric_limits<float>::max();

// TFLM clamps every float layer output to the finite range.
inline float ClampFinite(float x) {
  x = x < -kFloatMax ? -kFloatMax : x;
  return kFloatMax < x ? kFloatMax : x;
}

void FullyConnectedFloat(const float* x, int32_t rows, int32_t depth, const float* w, int32_t units,
                         const float* bias, float* out) {
  for (int32_t r = 0; r < rows; ++r) {
    const float* xr = x + static_cast<size_t>(r) * depth;
    for (int32_t u = 0; u < units; ++u) {
      const float* wu = w + static_cast<size_t>(u) * depth;
      float total = 0.0f;
      for (int32_t k = 0; k < depth; ++k) total += xr[k] * wu[k];
      const float b = bias != nullptr ? bias[u] : 0.0f;
      out[static_cast<size_t>(r) * units + u] = ClampFinite(total + b);
    }
  }
}

// TFLM's reference float logistic, with its cut-offs.
inline float SigmoidFloat(float v) {
  if (v > 16.619047164916992188f) return 1.0f;
  if (v < -9.0f) return std::exp(v);
  return 1.0f / (1.0f + std::exp(-v));
}

void GateFloat(OpContext& ctx, const LstmData& d, int gate, const StepSlices& s,
               const StepTensors<float>& t, float* out, float* fc) {
  const size_t n = static_cast<size_t>(s.rows) * d.state_dim;
  FullyConnectedFloat(t.input, s.rows, d.input_dim,
                      ctx.input(InputWeights(gate))->data_as<const float>(), d.state_dim,
                      ctx.input(Bias(gate))->data_as<const float>(), out);
  FullyConnectedFloat(t.hidden, s.rows, d.state_dim,
                      ctx.input(RecurrentWeights(gate))->data_as<const float>(), d.state_dim,
                      nullptr, fc);
  for (size_t i = 0; i < n; ++i) out[i] += fc[i];
  for (size_t i = 0; i < n; ++i)
    out[i] = gate == kCellGate ? std::tanh(out[i]) : SigmoidFloat(out[i]);
}

void StepFloat(OpContext& ctx, const LstmData& d, const StepSlices& s, const StepTensors<float>& t,
               float* cell, float* const* buf) {
  const size_t n = static_cast<size_t>(s.rows) * d.state_dim;
  float* forget = buf[0];
  float* input_gate = buf[1];
  float* cell_gate = buf[2];
  float* fc = buf[3];
  GateFloat(ctx, d, kForgetGate, s, t, forget, fc);
  GateFloat(ctx, d, kInputGate, s, t, input_gate, fc);
  GateFloat(ctx, d, kCellGate, s, t, cell_gate, fc);
  for (size_t i = 0; i < n; ++i) cell[i] = ClampFinite(forget[i] * cell[i]);
  for (size_t i = 0; i < n; ++i) input_gate[i] = ClampFinite(input_gate[i] * cell_gate[i]);
  for (size_t i = 0; i < n; ++i) cell[i] = cell[i] + input_gate[i];
  if (d.clip) {
    for (size_t i = 0; i < n; ++i) {
      const float v = cell[i] < d.cell_clip ? cell[i] : d.cell_clip;
      cell[i] = v < -d.cell_clip ? -d.cell_clip : v;
    }
  }
  float* output_gate = buf[1];
  GateFloat(ctx, d, kOutputGate, s, t, output_gate, fc);
  float* tanh_cell = buf[0];
  for (size_t i = 0; i < n; ++i) tanh_cell[i] = std::tanh(cell[i]);
  for (size_t i = 0; i < n; ++i) t.hidden[i] = ClampFinite(tanh_cell[i] * output_gate[i]);
  memcpy(t.output, t.hidden, n * sizeof(float));
}

// Runs every step in TFLM's order, calling step(slices, tensors, cell).
template <typename Act, typename Cell, typename StepFn>
void RunSequence(OpContext& ctx, const LstmData& d, StepFn step) {
  const Act* input = ctx.input(kInput)->data_as<const Act>();
  Act* hidden = ctx.input(kHiddenState)->data_as<Act>();
  Cell* cell = ctx.input(kCellState)->data_as<Cell>();
  Act* output = ctx.output(0)->data_as<Act>();
  const size_t in_dim = static_cast<size_t>(d.input_dim);
  const size_t state = static_cast<size_t>(d.state_dim);
  StepSlices s = {0, 0, 0, d.time_major ? d.batch : 1};
  const int32_t outer = d.time_major ? 1 : d.batch;
  for (int32_t b = 0; b < outer; ++b) {
    s.state = static_cast<size_t>(b) * state;
    for (int32_t t = 0; t < d.time; ++t) {
      const StepTensors<Act> tensors = {input + s.input, hidden + s.state, output + s.output};
      step(s, tensors, cell + s.state);
      s.input += in_dim * static_cast<size_t>(s.rows);
      s.output += state * static_cast<size_t>(s.rows);
    }
  }
}

Status LstmEval(OpContext& ctx) {
  const LstmData& d = *ctx.op_data_as<LstmData>();
  if (d.kind == Kind::kFloat) {
    float* buf[4];
    for (int i = 0; i < 4; ++i) buf[i] = static_cast<float*>(ctx.scratch(d.scratch[i]));
    RunSequence<float, float>(ctx, d,
                              [&](const StepSlices& s, const StepTensors<float>& t, float* cell) {
                                StepFloat(ctx, d, s, t, cell, buf);
                              });
    return Status::kOk;
  }
  int16_t* buf[4];
  for (int i = 0; i < 4; ++i) buf[i] = static_cast<int16_t*>(ctx.scratch(d.scratch[i]));
  if (d.kind == Kind::kInt8) {
    RunSequence<int8_t, int16_t>(
        ctx, d, [&](const StepSlices& s, const StepTensors<int8_t>& t, int16_t* cell) {
          StepInt<int8_t, int32_t>(ctx, d, s, t, cell, buf);
        });
  } else {
    RunSequence<int16_t, int16_t>(
        ctx, d, [&](const StepSlices& s, const StepTensors<int16_t>& t, int16_t* cell) {
          StepInt<int16_t, int64_t>(ctx, d, s, t, cell, buf);
        });
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterUnidirectionalSequenceLstm = {
    static_cast<int32_t>(BuiltinOp::kUNIDIRECTIONAL_SEQUENCE_LSTM),
    nullptr,
    5,
    LstmPrepare,
    LstmEval,
    nullptr,
    "float32 int8 int16"};

}  // namespace microml
