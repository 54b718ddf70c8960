// HARD_SWISH: float32, and int8 in TFLM's 16-bit fixed point: the input on a
// 2^7 finer scale times a "relu-ish" factor in [0, 1] for min(max(x + 3, 0), 6) / 6.
#include <limits>

#include "kernels/quantization.h"
#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct HardSwishData {
  int32_t input_zero_point;
  int32_t output_zero_point;
  int16_t output_multiplier;
  int16_t reluish_multiplier;
  int32_t output_exponent;  // <= 0
  int32_t reluish_exponent;
};

// TFLM's DownScaleInt32ToInt16Multiplier.
int16_t ToQ15Multiplier(int32_t multiplier) {
  if (multiplier >= std::numeric_limits<int32_t>::max() - (1 << 15)) return 32767;
  return static_cast<int16_t>((multiplier + (1 << 15)) >> 16);
}

Status HardSwishPrepare(OpContext& ctx) {
  TensorType t = TensorType::kFLOAT32;
  HardSwishData* d = nullptr;
  QuantParams qi, qo;
  MICROML_RETURN_IF_ERROR((PrepareActivation<HardSwishData, false>(ctx, &t, &d, &qi, &qo)));
  if (d == nullptr) return Status::kOk;
  d->input_zero_point = qi.zero_point;
  d->output_zero_point = qo.zero_point;
  // The ratios are formed in float, as in TFLM.
  const float hires_input_scale = (1.0f / 128.0f) * qi.scale;
  const float reluish_scale = 3.0f / 32768.0f;
  int32_t multiplier = 0;
  int exponent = 0;
  QuantizeMultiplier(static_cast<double>(hires_input_scale / qo.scale), &multiplier, &exponent);
  if (exponent > 0) {
    return ctx.Fail(Status::kUnsupported,
                    "output rescale exponent %d above 0: output scale below input scale / 128",
                    exponent);
  }
  d->output_multiplier = ToQ15Multiplier(multiplier);
  d->output_exponent = exponent;
  QuantizeMultiplier(static_cast<double>(hires_input_scale / reluish_scale), &multiplier,
                     &exponent);
  if (exponent > 31) {
    return ctx.Fail(Status::kUnsupported, "relu-ish rescale exponent %d above 31", exponent);
  }
  d->reluish_multiplier = ToQ15Multiplier(multiplier);
  d->reluish_exponent = exponent;
  return Status::kOk;
}

// --- 16-bit fixed point as TFLM's reference kernel uses it ---

int16_t SaturateInt16(int64_t v) {
  return static_cast<int16_t>(v < -32768 ? -32768 : (v > 32767 ? 32767 : v));
}

int16_t SaturatingLeftShift(int16_t v, int amount) {
  return SaturateInt16(static_cast<int64_t>(v) * (static_cast<int64_t>(1) << amount));
}

// gemmlowp's SaturatingRoundingDoublingHighMul on int16.
int16_t RoundingHighMul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return 32767;
  const int32_t ab = static_cast<int32_t>(a) * b;
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

// As above but truncating toward zero (ARM's SQDMULH).
int16_t HighMul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return 32767;
  return static_cast<int16_t>((static_cast<int32_t>(a) * b) / (1 << 15));
}

// gemmlowp's RoundingDivideByPOT on int16, including its behaviour for
// exponents of 16 and more, where the mask wraps to all ones.
int16_t RoundingDivideByPOT16(int16_t x, int exponent) {
  const int16_t mask = static_cast<int16_t>((1LL << exponent) - 1);
  const int16_t remainder = static_cast<int16_t>(x & mask);
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return static_cast<int16_t>((x >> exponent) + (remainder > threshold ? 1 : 0));
}

void HardSwishInt8(const HardSwishData& d, const int8_t* x, int8_t* y, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    const int16_t input = static_cast<int16_t>(x[i] - d.input_zero_point);
    const int16_t hires = static_cast<int16_t>(input * (1 << 7));
    const int16_t preshift_output = RoundingHighMul16(hires, d.output_multiplier);
    // Left shifts leave one bit for last, so saturation there decides the value.
    int16_t reluish = hires;
    if (d.reluish_exponent > 0) reluish = SaturatingLeftShift(reluish, d.reluish_exponent - 1);
    reluish = RoundingHighMul16(reluish, d.reluish_multiplier);
    if (d.reluish_exponent > 0) reluish = SaturatingLeftShift(reluish, 1);
    if (d.reluish_exponent < 0) reluish = RoundingDivideByPOT16(reluish, -d.reluish_exponent);
    // [-1, 1] to [0, 1].
    reluish = static_cast<int16_t>((reluish + (1 << 15)) >> 1);
    const int16_t preshift = HighMul16(reluish, preshift_output);
    int16_t v = RoundingDivideByPOT16(preshift, -d.output_exponent);
    v = static_cast<int16_t>(v + d.output_zero_point);
    v = v > 127 ? 127 : (v < -128 ? -128 : v);
    y[i] = static_cast<int8_t>(v);
  }
}

float HardSwishFloat(float x) {
  const float relu6 = x + 3.0f < 0.0f ? 0.0f : (x + 3.0f > 6.0f ? 6.0f : x + 3.0f);
  return x * relu6 / 6.0f;
}

Status HardSwishEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  if (in.type == TensorType::kFLOAT32) return EvalFloatUnary<HardSwishFloat>(ctx);
  HardSwishInt8(*ctx.op_data_as<HardSwishData>(), in.data_as<const int8_t>(),
                ctx.output(0)->data_as<int8_t>(), in.element_count());
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterHardSwish = {static_cast<int32_t>(BuiltinOp::kHARD_SWISH),
                                               nullptr,
                                               1,
                                               HardSwishPrepare,
                                               HardSwishEval,
                                               nullptr,
                                               "float32 int8"};

}  // namespace microml
