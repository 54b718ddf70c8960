// ZEROS_LIKE: int8, int32, int64 and float32 (all-zero bits are zero in each).
#include <string.h>

#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status ZerosLikePrepare(OpContext& ctx) {
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(PrepareUnaryShapes(ctx, &in, &out));
  const TensorType t = in->type;
  const bool supported = t == TensorType::kINT8 || t == TensorType::kINT32 ||
                         t == TensorType::kINT64 || t == TensorType::kFLOAT32;
  if (!supported || out->type != t) return ctx.FailUnsupportedTypes();
  return Status::kOk;
}

Status ZerosLikeEval(OpContext& ctx) {
  const Tensor& out = *ctx.output(0);
  if (out.bytes > 0) memset(out.data, 0, out.bytes);
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterZerosLike = {static_cast<int32_t>(BuiltinOp::kZEROS_LIKE),
                                               nullptr,
                                               1,
                                               ZerosLikePrepare,
                                               ZerosLikeEval,
                                               nullptr,
                                               "float32 int8 int32 int64"};

}  // namespace microml
