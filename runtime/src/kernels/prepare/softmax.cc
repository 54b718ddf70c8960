#include "kernels/prepare/softmax.h"

#include <cmath>

#include "kernels/quantization.h"
#include "kernels/reference/op_checks.h"

namespace microml {

namespace {

constexpr int kBetaField = 0;
// The int8 path represents input differences as Q5.26 (see reference/softmax.cc).
constexpr int kScaledDiffIntegerBits = 5;

// |a - b| <= tolerance, evaluated in float like TFLM's TF_LITE_ENSURE_NEAR.
inline bool Near(float a, float b, float tolerance) {
  return (a > b ? a - b : b - a) <= tolerance;
}

Status PrepareQuantized(OpContext& ctx, SoftmaxData* d, TensorType in_type, TensorType out_type) {
  QuantParams qi, qo;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), in_type, "input", &qi));
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.output_ref(0), out_type, "output", &qo));
  if (in_type == TensorType::kINT16) {
    if (qo.zero_point != 0 || !Near(qo.scale, 1.0f / 32768, 0.001f * 1.0f / 32768)) {
      return ctx.Fail(Status::kUnsupported,
                      "int16 output needs scale 1/32768 and zero point 0, has zero point %d",
                      static_cast<int>(qo.zero_point));
    }
    // Input differences are rescaled so that [-65535, 0] spans [-10, 0].
    const double real =
        static_cast<double>(qi.scale) * static_cast<double>(d->beta) / (10.0 / 65535.0);
    int shift = 0;
    QuantizeMultiplier(real, &d->input_multiplier, &shift);
    if (shift > 30) {
      return ctx.Fail(Status::kUnsupported, "input scale times beta too large (2^%d)", shift);
    }
    d->input_left_shift = shift;
    return Status::kOk;
  }
  if (out_type == TensorType::kINT16) {
    if (qo.zero_point != -32768 || !Near(qo.scale, 1.0f / 65536, 0.001f * 1.0f / 65536)) {
      return ctx.Fail(Status::kUnsupported,
                      "int16 output needs scale 1/65536 and zero point -32768, has zero point %d",
                      static_cast<int>(qo.zero_point));
    }
  } else if (qo.zero_point != -128 || qo.scale != 1.0f / 256) {
    return ctx.Fail(Status::kUnsupported,
                    "int8 output needs scale 1/256 and zero point -128, has zero point %d",
                    static_cast<int>(qo.zero_point));
  }
  // beta * input_scale as a Q5.26 multiplier, capped like TFLM's
  // PreprocessSoftmaxScaling, which also insists that it exceeds 1.
  double real = static_cast<double>(d->beta) * static_cast<double>(qi.scale) *
                static_cast<double>(1 << (31 - kScaledDiffIntegerBits));
  const double kMaxReal = static_cast<double>((1LL << 31) - 1);
  if (real > kMaxReal) real = kMaxReal;
  if (!(real > 1.0)) {
    return ctx.Fail(Status::kUnsupported, "beta times input scale is below 2^-26");
  }
  int shift = 0;
  QuantizeMultiplier(real, &d->input_multiplier, &shift);
  d->input_left_shift = shift;
  const double radius = 1.0 * ((1 << kScaledDiffIntegerBits) - 1) *
                        static_cast<double>(1LL << (31 - kScaledDiffIntegerBits)) /
                        static_cast<double>(1LL << shift);
  d->diff_min = -static_cast<int32_t>(std::floor(radius));
  return Status::kOk;
}

}  // namespace

Status SoftmaxPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType it = in->type;
  const TensorType ot = out->type;
  const bool supported =
      (it == TensorType::kFLOAT32 && ot == TensorType::kFLOAT32) ||
      (it == TensorType::kINT8 && IsOneOf(ot, TensorType::kINT8, TensorType::kINT16)) ||
      (it == TensorType::kINT16 && ot == TensorType::kINT16);
  if (!supported) return ctx.FailUnsupportedTypes();
  if (in->rank < 1 || !SameShape(*in, *out)) {
    return ctx.Fail(Status::kInvalidModel,
                    "input (rank %d) and output (rank %d) shapes must match "
                    "with rank >= 1",
                    in->rank, out->rank);
  }
  const int32_t depth = in->dims[in->rank - 1];
  // Keeps the int16 path's sum of at most 32767 per element below 2^31.
  if (it == TensorType::kINT16 && depth > 65536) {
    return ctx.Fail(Status::kUnsupported, "int16 rows of %d elements, at most 65536",
                    static_cast<int>(depth));
  }
  SoftmaxData* d = ctx.AllocatePersistent<SoftmaxData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  d->beta = OptionsAs(ctx, OptionsType::kSoftmaxOptions).GetFloat(kBetaField, 0.0f);
  if (it == TensorType::kFLOAT32) return Status::kOk;
  return PrepareQuantized(ctx, d, it, ot);
}

}  // namespace microml
