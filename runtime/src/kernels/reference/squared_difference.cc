// SQUARED_DIFFERENCE: float32, int32 (wrapping) and per-tensor quantized int8
// and int16 (int16 symmetric), with numpy broadcasting up to 8 dimensions.
// The quantized path is TFLM's: both inputs are brought to twice the larger
// input scale (int8 with 7 bits of headroom), the difference is squared in
// int32 and rescaled once; there is no fused activation.
#include "kernels/reference/arithmetic.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status SquaredDifferencePrepare(OpContext& ctx) {
  ArithData* data = ctx.AllocatePersistent<ArithData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  QuantParams qa, qb, qo;
  MICROML_RETURN_IF_ERROR(PrepareArithCommon(ctx, data, &qa, &qb, &qo));
  const TensorType type = ctx.output(0)->type;
  if (type != TensorType::kINT8 && type != TensorType::kINT16) return Status::kOk;
  if (type == TensorType::kINT16 &&
      (qa.zero_point != 0 || qb.zero_point != 0 || qo.zero_point != 0)) {
    return ctx.Fail(Status::kUnsupported, "int16 needs zero points 0, has %d, %d and %d",
                    static_cast<int>(qa.zero_point), static_cast<int>(qb.zero_point),
                    static_cast<int>(qo.zero_point));
  }
  // The squared int8 difference, (255 << 7)^2, still fits 31 bits.
  data->left_shift = type == TensorType::kINT8 ? 7 : 0;
  const double twice_max = 2.0 * static_cast<double>(qa.scale > qb.scale ? qa.scale : qb.scale);
  MICROML_RETURN_IF_ERROR(SmallerThanOneMultiplier(ctx, static_cast<double>(qa.scale) / twice_max,
                                                   "input 0", &data->mult_a, &data->shift_a));
  MICROML_RETURN_IF_ERROR(SmallerThanOneMultiplier(ctx, static_cast<double>(qb.scale) / twice_max,
                                                   "input 1", &data->mult_b, &data->shift_b));
  // TFLM multiplies 2^(2 * left_shift) by the scale in float.
  const float shifted_scale = static_cast<float>(1 << (2 * data->left_shift)) * qo.scale;
  const double real_out = twice_max * twice_max / static_cast<double>(shifted_scale);
  int shift = 0;
  QuantizeMultiplier(real_out, &data->mult_out, &shift);
  if (shift > 31) {
    return ctx.Fail(Status::kUnsupported, "rescale factor 2^%d too large: output scale too small",
                    shift);
  }
  data->shift_out = static_cast<int8_t>(shift);
  data->act_min = type == TensorType::kINT8 ? -128 : -32768;
  data->act_max = type == TensorType::kINT8 ? 127 : 32767;
  return Status::kOk;
}

template <typename T>
T SquaredDifferenceQuantized(const ArithData& d, T x, T y) {
  const int32_t sa = (d.offset_a + x) * (1 << d.left_shift);
  const int32_t sb = (d.offset_b + y) * (1 << d.left_shift);
  const int32_t ra = MultiplyByQuantizedMultiplierSmallerThanOneExp(sa, d.mult_a, d.shift_a);
  const int32_t rb = MultiplyByQuantizedMultiplierSmallerThanOneExp(sb, d.mult_b, d.shift_b);
  const int32_t diff = ra - rb;
  const int32_t v =
      WrapAdd(MultiplyByQuantizedMultiplier(diff * diff, d.mult_out, d.shift_out), d.offset_out);
  return static_cast<T>(ClampMinMax(v, d.act_min, d.act_max));
}

int32_t SquaredDifferenceInt32(int32_t x, int32_t y) {
  const uint32_t diff = static_cast<uint32_t>(x) - static_cast<uint32_t>(y);
  return static_cast<int32_t>(diff * diff);
}

Status SquaredDifferenceEval(OpContext& ctx) {
  const ArithData& d = *ctx.op_data_as<ArithData>();
  const Tensor& a = *ctx.input(0);
  const Tensor& b = *ctx.input(1);
  const Tensor& out = *ctx.output(0);
  switch (out.type) {
    case TensorType::kFLOAT32:
      ElementwiseBinary<float, float>(d, a, b, out, [](float x, float y) {
        const float diff = x - y;
        return diff * diff;
      });
      break;
    case TensorType::kINT32:
      ElementwiseBinary<int32_t, int32_t>(d, a, b, out, SquaredDifferenceInt32);
      break;
    case TensorType::kINT8:
      ElementwiseBinary<int8_t, int8_t>(d, a, b, out, [&d](int8_t x, int8_t y) {
        return SquaredDifferenceQuantized<int8_t>(d, x, y);
      });
      break;
    default:
      ElementwiseBinary<int16_t, int16_t>(d, a, b, out, [&d](int16_t x, int16_t y) {
        return SquaredDifferenceQuantized<int16_t>(d, x, y);
      });
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSquaredDifference = {
    static_cast<int32_t>(BuiltinOp::kSQUARED_DIFFERENCE),
    nullptr,
    2,
    SquaredDifferencePrepare,
    SquaredDifferenceEval,
    nullptr,
    "float32 int32 int8 int16"};

}  // namespace microml
