// PRELU: out = x >= 0 ? x : alpha * x with alpha broadcast against x. float32;
// int8 with int8 alpha; int16 with int8 alpha, requantized in two branches.
#include <limits>

#include "kernels/quantization.h"
#include "kernels/reference/broadcast.h"
#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// TFLM's float path handles up to 4 dimensions.
constexpr int kMaxFloatRank = 4;

struct PreluData {
  int32_t input_zero_point;
  int32_t alpha_zero_point;
  int32_t output_zero_point;
  int32_t multiplier_identity;  // input scale / output scale
  int32_t multiplier_alpha;     // input scale * alpha scale / output scale
  int8_t shift_identity;
  int8_t shift_alpha;
};

Status PreluQuantizedParams(OpContext& ctx, TensorType type, PreluData* d) {
  QuantParams qi, qa, qo;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), type, "input", &qi));
  MICROML_RETURN_IF_ERROR(
      GetPerTensorQuant(ctx, ctx.input_ref(1), TensorType::kINT8, "alpha", &qa));
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.output_ref(0), type, "output", &qo));
  int shift_identity = 0, shift_alpha = 0;
  QuantizeMultiplier(static_cast<double>(qi.scale) / static_cast<double>(qo.scale),
                     &d->multiplier_identity, &shift_identity);
  QuantizeMultiplier(
      static_cast<double>(qi.scale) * static_cast<double>(qa.scale) / static_cast<double>(qo.scale),
      &d->multiplier_alpha, &shift_alpha);
  if (shift_identity > 31 || shift_alpha > 31) {
    return ctx.Fail(Status::kUnsupported,
                    "rescale exponents %d (identity) and %d (alpha) exceed 31: output scale too "
                    "small",
                    shift_identity, shift_alpha);
  }
  d->shift_identity = static_cast<int8_t>(shift_identity);
  d->shift_alpha = static_cast<int8_t>(shift_alpha);
  d->input_zero_point = qi.zero_point;
  d->alpha_zero_point = qa.zero_point;
  d->output_zero_point = qo.zero_point;
  return Status::kOk;
}

Status PreluPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *in, *alpha, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &alpha));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType t = in->type;
  const TensorType alpha_type = t == TensorType::kFLOAT32 ? t : TensorType::kINT8;
  if (out->type != t || alpha->type != alpha_type ||
      !(t == TensorType::kFLOAT32 || t == TensorType::kINT8 || t == TensorType::kINT16)) {
    return ctx.FailUnsupportedTypes();
  }
  MICROML_RETURN_IF_ERROR(CheckBroadcastShapes(ctx, *in, *alpha, *out));
  if (t == TensorType::kFLOAT32) {
    if (out->rank > kMaxFloatRank) {
      return ctx.Fail(Status::kUnsupported, "float32 output of rank %d, at most %d supported",
                      out->rank, kMaxFloatRank);
    }
    return Status::kOk;
  }
  PreluData* d = ctx.AllocatePersistent<PreluData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  return PreluQuantizedParams(ctx, t, d);
}

template <typename T>
void PreluQuantized(const PreluData& d, const BroadcastPlan& plan, const T* x, const int8_t* alpha,
                    T* y) {
  BroadcastApply(plan, x, alpha, y, [&d](T xv, int8_t av) {
    constexpr int32_t lo = std::numeric_limits<T>::min();
    constexpr int32_t hi = std::numeric_limits<T>::max();
    const int32_t input = static_cast<int32_t>(xv) - d.input_zero_point;
    int32_t v;
    if (input >= 0) {
      v = MultiplyByQuantizedMultiplier(input, d.multiplier_identity, d.shift_identity);
    } else {
      const int32_t alpha_value = static_cast<int32_t>(av) - d.alpha_zero_point;
      v = MultiplyByQuantizedMultiplier(input * alpha_value, d.multiplier_alpha, d.shift_alpha);
    }
    return Clamp<T>(v + d.output_zero_point, lo, hi);
  });
}

Status PreluEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const Tensor& alpha = *ctx.input(1);
  const Tensor& out = *ctx.output(0);
  BroadcastPlan plan;
  MakeBroadcastPlan(in, alpha, out, &plan);
  switch (in.type) {
    case TensorType::kFLOAT32:
      BroadcastApply(plan, in.data_as<const float>(), alpha.data_as<const float>(),
                     out.data_as<float>(),
                     [](float xv, float av) { return xv >= 0.0f ? xv : xv * av; });
      break;
    case TensorType::kINT8:
      PreluQuantized(*ctx.op_data_as<PreluData>(), plan, in.data_as<const int8_t>(),
                     alpha.data_as<const int8_t>(), out.data_as<int8_t>());
      break;
    default:
      PreluQuantized(*ctx.op_data_as<PreluData>(), plan, in.data_as<const int16_t>(),
                     alpha.data_as<const int8_t>(), out.data_as<int16_t>());
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterPrelu = {static_cast<int32_t>(BuiltinOp::kPRELU),
                                           nullptr,
                                           1,
                                           PreluPrepare,
                                           PreluEval,
                                           nullptr,
                                           "float32 int8 int16"};

}  // namespace microml
