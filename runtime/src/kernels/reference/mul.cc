// MUL: float32, int32 and per-tensor quantized int8/int16 (int16 symmetric),
// with numpy broadcasting up to 8 dimensions. As TFLM's reference kernel, the
// quantized product of the offset inputs is rescaled once by
// scale_a * scale_b / scale_out, and int32 honours the fused activation.
#include "kernels/reference/arithmetic.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kActivationField = 0;

Status MulPrepare(OpContext& ctx) {
  ArithData* data = ctx.AllocatePersistent<ArithData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  QuantParams qa, qb, qo;
  MICROML_RETURN_IF_ERROR(PrepareArithCommon(ctx, data, &qa, &qb, &qo));
  const Activation act = static_cast<Activation>(
      OptionsAs(ctx, OptionsType::kMulOptions).GetInt8(kActivationField, 0));
  const TensorType type = ctx.output(0)->type;
  if (type == TensorType::kFLOAT32) {
    FloatActivationRange(act, &data->f_min, &data->f_max);
    return Status::kOk;
  }
  if (type == TensorType::kINT32) {
    Int32ActivationRange(act, &data->act_min, &data->act_max);
    return Status::kOk;
  }
  if (type == TensorType::kINT16 &&
      (qa.zero_point != 0 || qb.zero_point != 0 || qo.zero_point != 0)) {
    return ctx.Fail(Status::kUnsupported, "int16 needs zero points 0, has %d, %d and %d",
                    static_cast<int>(qa.zero_point), static_cast<int>(qb.zero_point),
                    static_cast<int>(qo.zero_point));
  }
  const double real =
      static_cast<double>(qa.scale) * static_cast<double>(qb.scale) / static_cast<double>(qo.scale);
  int shift = 0;
  QuantizeMultiplier(real, &data->mult_out, &shift);
  if (shift > 31) {
    return ctx.Fail(Status::kUnsupported, "rescale factor 2^%d too large: output scale too small",
                    shift);
  }
  data->shift_out = static_cast<int8_t>(shift);
  const int32_t qmin = type == TensorType::kINT8 ? -128 : -32768;
  const int32_t qmax = type == TensorType::kINT8 ? 127 : 32767;
  if (!QuantizedActivationRangeChecked(act, qo.scale, qo.zero_point, qmin, qmax, &data->act_min,
                                       &data->act_max)) {
    return ctx.Fail(Status::kUnsupported, "activation bounds do not fit the output quantization");
  }
  return Status::kOk;
}

template <typename T>
T MulQuantized(const ArithData& d, T x, T y) {
  // |offset inputs| <= 2^16, so the product fits int32.
  const int32_t product = (d.offset_a + x) * (d.offset_b + y);
  const int32_t v =
      WrapAdd(MultiplyByQuantizedMultiplier(product, d.mult_out, d.shift_out), d.offset_out);
  return static_cast<T>(ClampMinMax(v, d.act_min, d.act_max));
}

int32_t WrapMul(int32_t x, int32_t y) {
  return static_cast<int32_t>(static_cast<uint32_t>(x) * static_cast<uint32_t>(y));
}

Status MulEval(OpContext& ctx) {
  const ArithData& d = *ctx.op_data_as<ArithData>();
  const Tensor& a = *ctx.input(0);
  const Tensor& b = *ctx.input(1);
  const Tensor& out = *ctx.output(0);
  switch (out.type) {
    case TensorType::kFLOAT32:
      ElementwiseBinary<float, float>(
          d, a, b, out, [&d](float x, float y) { return ClampMinMax(x * y, d.f_min, d.f_max); });
      break;
    case TensorType::kINT32:
      ElementwiseBinary<int32_t, int32_t>(d, a, b, out, [&d](int32_t x, int32_t y) {
        return ClampMinMax(WrapMul(x, y), d.act_min, d.act_max);
      });
      break;
    case TensorType::kINT8:
      ElementwiseBinary<int8_t, int8_t>(
          d, a, b, out, [&d](int8_t x, int8_t y) { return MulQuantized<int8_t>(d, x, y); });
      break;
    default:
      ElementwiseBinary<int16_t, int16_t>(
          d, a, b, out, [&d](int16_t x, int16_t y) { return MulQuantized<int16_t>(d, x, y); });
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterMul = {static_cast<int32_t>(BuiltinOp::kMUL),
                                         nullptr,
                                         7,
                                         MulPrepare,
                                         MulEval,
                                         nullptr,
                                         "float32 int32 int8 int16"};

}  // namespace microml
