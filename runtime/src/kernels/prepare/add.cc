#include "kernels/prepare/add.h"

namespace microml {

Status AddPrepare(OpContext& ctx) {
  ArithData* data = nullptr;
  Activation act = Activation::kNone;
  QuantParams qa, qb, qo;
  MICROML_RETURN_IF_ERROR(
      PrepareArithActivation(ctx, OptionsType::kAddOptions, &data, &act, &qa, &qb, &qo));
  const TensorType type = ctx.output(0)->type;
  if (type == TensorType::kFLOAT32) {
    FloatActivationRange(act, &data->f_min, &data->f_max);
  } else if (type == TensorType::kINT8 || type == TensorType::kINT16) {
    MICROML_RETURN_IF_ERROR(FinishArithQuant(ctx, act, type, qa, qb, qo, data));
  }
  return Status::kOk;
}

}  // namespace microml
