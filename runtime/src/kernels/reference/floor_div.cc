// FLOOR_DIV: float32 only, as in TFLM, with numpy broadcasting up to 8
// dimensions. The quotient is floored in double precision. Like TFLM, a zero
// anywhere in the divisor fails the invocation.
#include <cmath>

#include "kernels/reference/broadcast.h"
#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

Status CheckDivisor(OpContext& ctx, const Tensor& b) {
  const float* divisor = b.data_as<const float>();
  const uint32_t n = b.element_count();
  for (uint32_t i = 0; i < n; ++i) {
    if (divisor[i] == 0.0f) {
      return ctx.Fail(Status::kInvalidArgument, "division by zero (divisor element %u)",
                      static_cast<unsigned>(i));
    }
  }
  return Status::kOk;
}

Status FloorDivPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *a, *b, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &a));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &b));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (a->type != TensorType::kFLOAT32 || b->type != TensorType::kFLOAT32 ||
      out->type != TensorType::kFLOAT32) {
    return ctx.FailUnsupportedTypes();
  }
  MICROML_RETURN_IF_ERROR(CheckBroadcastShapes(ctx, *a, *b, *out));
  // A constant zero divisor is a model error, caught before the first run.
  return b->is_constant() ? CheckDivisor(ctx, *b) : Status::kOk;
}

Status FloorDivEval(OpContext& ctx) {
  const Tensor& b = *ctx.input(1);
  MICROML_RETURN_IF_ERROR(CheckDivisor(ctx, b));
  BroadcastBinary<float, float>(*ctx.input(0), b, *ctx.output(0), [](float x, float y) {
    return static_cast<float>(std::floor(static_cast<double>(x) / static_cast<double>(y)));
  });
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterFloorDiv = {static_cast<int32_t>(BuiltinOp::kFLOOR_DIV),
                                              nullptr,
                                              3,
                                              FloorDivPrepare,
                                              FloorDivEval,
                                              nullptr,
                                              "float32"};

}  // namespace microml
