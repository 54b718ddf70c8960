// FLOOR_MOD: float32 only, as in TFLM, with numpy broadcasting up to 8
// dimensions: fmod, moved into the divisor's sign. A zero divisor gives NaN.
#include <cmath>

#include "kernels/reference/broadcast.h"
#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status FloorModPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *a, *b, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &a));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &b));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (a->type != TensorType::kFLOAT32 || b->type != TensorType::kFLOAT32 ||
      out->type != TensorType::kFLOAT32) {
    return ctx.FailUnsupportedTypes();
  }
  return CheckBroadcastShapes(ctx, *a, *b, *out);
}

float FloorMod(float x, float y) {
  const float r = std::fmod(x, y);
  return (r != 0.0f && ((y < 0.0f) != (r < 0.0f))) ? r + y : r;
}

Status FloorModEval(OpContext& ctx) {
  BroadcastBinary<float, float>(*ctx.input(0), *ctx.input(1), *ctx.output(0), FloorMod);
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterFloorMod = {static_cast<int32_t>(BuiltinOp::kFLOOR_MOD),
                                              nullptr,
                                              2,
                                              FloorModPrepare,
                                              FloorModEval,
                                              nullptr,
                                              "float32"};

}  // namespace microml
