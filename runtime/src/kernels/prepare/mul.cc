#include "kernels/prepare/mul.h"

namespace microml {

Status MulPrepare(OpContext& ctx) {
  ArithSetup s;
  MICROML_RETURN_IF_ERROR(PrepareArithActivation(ctx, OptionsType::kMulOptions, true, &s));
  if (s.type != TensorType::kINT8 && s.type != TensorType::kINT16) return Status::kOk;
  const TensorType type = s.type;
  const QuantParams &qa = s.qa, &qb = s.qb, &qo = s.qo;
  ArithData* data = s.data;
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
  if (!QuantizedActivationRangeChecked(s.act, qo.scale, qo.zero_point, qmin, qmax, &data->act_min,
                                       &data->act_max)) {
    return ctx.Fail(Status::kUnsupported, "activation bounds do not fit the output quantization");
  }
  return Status::kOk;
}

}  // namespace microml
