#include "kernels/prepare/add.h"

namespace microml {

namespace {

constexpr int kActivationField = 0;

}  // namespace

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

}  // namespace microml
