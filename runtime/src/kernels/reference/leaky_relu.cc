// LEAKY_RELU: float32 and per-tensor quantized int8/int16. Negative alpha is
// handled as TFLM does: the multiplier is made positive and the product negated.
#include <limits>

#include "kernels/quantization.h"
#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kAlphaField = 0;

struct LeakyReluData {
  float alpha;
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t mult_alpha;  // absolute value; negate_alpha holds the sign
  int32_t mult_identity;
  int8_t shift_alpha;
  int8_t shift_identity;
  bool negate_alpha;
};

Status LeakyReluPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType type = in->type;
  if (out->type != type ||
      !(type == TensorType::kFLOAT32 || type == TensorType::kINT8 || type == TensorType::kINT16)) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->element_count() != out->element_count()) {
    return ctx.Fail(Status::kInvalidModel, "input has %u elements, output %u",
                    static_cast<unsigned>(in->element_count()),
                    static_cast<unsigned>(out->element_count()));
  }
  LeakyReluData* data = ctx.AllocatePersistent<LeakyReluData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  data->alpha = OptionsAs(ctx, OptionsType::kLeakyReluOptions).GetFloat(kAlphaField, 0.0f);
  if (type == TensorType::kFLOAT32) return Status::kOk;

  QuantParams qi, qo;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), type, "input", &qi));
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.output_ref(0), type, "output", &qo));
  data->input_zero_point = qi.zero_point;
  data->output_zero_point = qo.zero_point;
  // Both ratios are formed in float, as by the TFLM that produced the shared
  // conformance data (later TFLM releases form them in double).
  const double alpha_real = static_cast<double>(qi.scale * data->alpha / qo.scale);
  const double identity_real = static_cast<double>(qi.scale / qo.scale);
  int shift_alpha = 0, shift_identity = 0;
  QuantizeMultiplier(alpha_real, &data->mult_alpha, &shift_alpha);
  QuantizeMultiplier(identity_real, &data->mult_identity, &shift_identity);
  if (shift_alpha > 31 || shift_identity > 31) {
    return ctx.Fail(Status::kUnsupported,
                    "rescale exponents %d (alpha) and %d (identity) exceed 31: alpha too large "
                    "or output scale too small",
                    shift_alpha, shift_identity);
  }
  if (data->mult_alpha == std::numeric_limits<int32_t>::min()) {
    return ctx.Fail(Status::kUnsupported, "alpha multiplier -2^31 cannot be negated");
  }
  data->negate_alpha = data->mult_alpha < 0;
  if (data->negate_alpha) data->mult_alpha = -data->mult_alpha;
  data->shift_alpha = static_cast<int8_t>(shift_alpha);
  data->shift_identity = static_cast<int8_t>(shift_identity);
  return Status::kOk;
}

template <typename T>
void LeakyReluQuantized(const LeakyReluData& d, const T* in, T* out, uint32_t n) {
  const int32_t lo = std::numeric_limits<T>::min();
  const int32_t hi = std::numeric_limits<T>::max();
  for (uint32_t i = 0; i < n; ++i) {
    const int32_t x = in[i] - d.input_zero_point;
    int32_t v = d.output_zero_point;
    if (x >= 0) {
      v += MultiplyByQuantizedMultiplier(x, d.mult_identity, d.shift_identity);
    } else {
      const int32_t scaled = MultiplyByQuantizedMultiplier(x, d.mult_alpha, d.shift_alpha);
      v += d.negate_alpha ? -scaled : scaled;
    }
    out[i] = static_cast<T>(v < lo ? lo : (v > hi ? hi : v));
  }
}

Status LeakyReluEval(OpContext& ctx) {
  const LeakyReluData& d = *ctx.op_data_as<LeakyReluData>();
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const uint32_t n = out.element_count();
  switch (in.type) {
    case TensorType::kFLOAT32: {
      const float* x = in.data_as<const float>();
      float* y = out.data_as<float>();
      for (uint32_t i = 0; i < n; ++i) y[i] = x[i] > 0 ? x[i] : x[i] * d.alpha;
      break;
    }
    case TensorType::kINT8:
      LeakyReluQuantized(d, in.data_as<const int8_t>(), out.data_as<int8_t>(), n);
      break;
    default:
      LeakyReluQuantized(d, in.data_as<const int16_t>(), out.data_as<int16_t>(), n);
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterLeakyRelu = {static_cast<int32_t>(BuiltinOp::kLEAKY_RELU),
                                               nullptr,
                                               2,
                                               LeakyReluPrepare,
                                               LeakyReluEval,
                                               nullptr,
                                               "float32 int8 int16"};

}  // namespace microml
