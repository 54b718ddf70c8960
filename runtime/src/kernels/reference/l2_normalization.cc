// L2_NORMALIZATION over the last dimension: float32 (norm floored at 1e-6) and
// int8 (fixed-point inverse square root of the sum of squares; the output is
// on the 1/128 scale whatever the model declares, as in TFLM).
#include <cmath>

#include "kernels/fixed_point.h"
#include "kernels/quantization.h"
#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kActivationField = 0;
constexpr int kMaxRank = 4;

Status L2NormPrepare(OpContext& ctx) {
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(PrepareUnaryShapes(ctx, &in, &out));
  const TensorType t = in->type;
  if (out->type != t || !(t == TensorType::kFLOAT32 || t == TensorType::kINT8)) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank < 1 || in->rank > kMaxRank) {
    return ctx.Fail(Status::kUnsupported, "input of rank %d, supported 1 to %d", in->rank,
                    kMaxRank);
  }
  const int32_t activation =
      OptionsAs(ctx, OptionsType::kL2NormOptions).GetInt32(kActivationField, 0);
  if (activation != 0) {
    return ctx.Fail(Status::kUnsupported, "fused activation %d is not supported (only NONE)",
                    static_cast<int>(activation));
  }
  if (t == TensorType::kFLOAT32) return Status::kOk;
  QuantParams qi;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), t, "input", &qi));
  int32_t* zero_point = ctx.AllocatePersistent<int32_t>();
  if (zero_point == nullptr) return Status::kArenaTooSmall;
  *zero_point = qi.zero_point;
  ctx.set_op_data(zero_point);
  return Status::kOk;
}

void L2NormFloat(const float* x, float* y, uint32_t rows, uint32_t depth) {
  for (uint32_t r = 0; r < rows; ++r, x += depth, y += depth) {
    float sum = 0.0f;
    for (uint32_t c = 0; c < depth; ++c) sum += x[c] * x[c];
    float norm = std::sqrt(sum);
    norm = norm < 1e-6f ? 1e-6f : norm;
    for (uint32_t c = 0; c < depth; ++c) y[c] = x[c] / norm;
  }
}

void L2NormInt8(int32_t zero_point, const int8_t* x, int8_t* y, uint32_t rows, uint32_t depth) {
  constexpr int kOutputShift = 7;
  for (uint32_t r = 0; r < rows; ++r, x += depth, y += depth) {
    int32_t sum = 0;
    for (uint32_t c = 0; c < depth; ++c) {
      const int32_t v = static_cast<int32_t>(x[c]) - zero_point;
      sum = WrappingAdd(sum, v * v);
    }
    int32_t multiplier = 0;
    int shift = 0;
    fx::InvSqrtMultiplier(sum, &multiplier, &shift);
    for (uint32_t c = 0; c < depth; ++c) {
      const int32_t v = static_cast<int32_t>(x[c]) - zero_point;
      y[c] = Clamp<int8_t>(MultiplyByQuantizedMultiplier(v, multiplier, shift + kOutputShift), -128,
                           127);
    }
  }
}

Status L2NormEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const uint32_t depth = static_cast<uint32_t>(in.dims[in.rank - 1]);
  if (depth == 0) return Status::kOk;
  const uint32_t rows = in.element_count() / depth;
  if (in.type == TensorType::kFLOAT32) {
    L2NormFloat(in.data_as<const float>(), out.data_as<float>(), rows, depth);
  } else {
    L2NormInt8(*ctx.op_data_as<int32_t>(), in.data_as<const int8_t>(), out.data_as<int8_t>(), rows,
               depth);
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterL2Normalization = {
    static_cast<int32_t>(BuiltinOp::kL2_NORMALIZATION),
    nullptr,
    2,
    L2NormPrepare,
    L2NormEval,
    nullptr,
    "float32 int8"};

}  // namespace microml
