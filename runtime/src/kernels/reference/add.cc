// ADD: float32, int32 and per-tensor quantized int8/int16, with numpy
// broadcasting up to 8 dimensions. Matches TFLM's reference kernel: int16
// always takes the general rescaling path (pot_scale_int16 is ignored) and
// int32 ignores the fused activation.
#include "kernels/reference/arithmetic.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kActivationField = 0;

Status AddPrepare(OpContext& ctx) {
  ArithData* data = ctx.AllocatePersistent<ArithData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  QuantParams qa, qb, qo;
  MICROML_RETURN_IF_ERROR(PrepareArithCommon(ctx, data, &qa, &qb, &qo));
  const Activation act = static_cast<Activation>(
      OptionsAs(ctx, OptionsType::kAddOptions).GetInt8(kActivationField, 0));
  const TensorType type = ctx.output(0)->type;
  if (type == TensorType::kFLOAT32) {
    FloatActivationRange(act, &data->f_min, &data->f_max);
  } else if (type == TensorType::kINT8 || type == TensorType::kINT16) {
    MICROML_RETURN_IF_ERROR(FinishArithQuant(ctx, act, type, qa, qb, qo, data));
  }
  return Status::kOk;
}

Status AddEval(OpContext& ctx) {
  const ArithData& d = *ctx.op_data_as<ArithData>();
  const Tensor& a = *ctx.input(0);
  const Tensor& b = *ctx.input(1);
  const Tensor& out = *ctx.output(0);
  switch (out.type) {
    case TensorType::kFLOAT32:
      ElementwiseBinary<float, float>(
          d, a, b, out, [&d](float x, float y) { return ClampMinMax(x + y, d.f_min, d.f_max); });
      break;
    case TensorType::kINT32:
      ElementwiseBinary<int32_t, int32_t>(d, a, b, out, WrapAdd);
      break;
    case TensorType::kINT8:
      ElementwiseBinary<int8_t, int8_t>(d, a, b, out, [&d](int8_t x, int8_t y) {
        return ArithQuantized<int8_t, false>(d, x, y);
      });
      break;
    default:
      ElementwiseBinary<int16_t, int16_t>(d, a, b, out, [&d](int16_t x, int16_t y) {
        return ArithQuantized<int16_t, false>(d, x, y);
      });
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterAdd = {static_cast<int32_t>(BuiltinOp::kADD),
                                         nullptr,
                                         5,
                                         AddPrepare,
                                         AddEval,
                                         nullptr,
                                         "float32 int8 int16 int32"};

}  // namespace microml
