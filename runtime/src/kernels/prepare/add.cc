#include "kernels/prepare/add.h"

namespace microml {

Status AddPrepare(OpContext& ctx) {
  ArithSetup s;
  MICROML_RETURN_IF_ERROR(PrepareArithActivation(ctx, OptionsType::kAddOptions, false, &s));
  if (s.type != TensorType::kINT8 && s.type != TensorType::kINT16) return Status::kOk;
  return FinishArithQuant(ctx, s);
}

}  // namespace microml
