// SQUEEZE: drops size-1 dimensions (all of them, or those listed in
// squeeze_dims); a byte copy for any fixed-size element type.
#include <string.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// TFLM's limit on the input rank.
constexpr int kMaxRank = 8;

// SqueezeOptions field position in the schema.
constexpr int kSqueezeDimsField = 0;

Status SqueezePrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (out->type != in->type || TensorTypeSize(in->type) == 0 || in->type == TensorType::kINT4) {
    return ctx.FailUnsupportedTypes();
  }
  const int rank = in->rank;
  if (rank > kMaxRank) {
    return ctx.Fail(Status::kUnsupported, "input rank %d, at most %d", rank, kMaxRank);
  }
  bool ok = true;
  const VectorRef<int32_t> squeeze_dims =
      OptionsAs(ctx, OptionsType::kSqueezeOptions).GetInt32Vector(kSqueezeDimsField, &ok);
  if (!ok) return ctx.Fail(Status::kInvalidModel, "squeeze_dims vector is malformed");
  bool drop[kMaxRank] = {};
  if (squeeze_dims.size() == 0) {
    for (int d = 0; d < rank; ++d) drop[d] = in->dims[d] == 1;
  }
  for (uint32_t i = 0; i < squeeze_dims.size(); ++i) {
    int d = 0;
    if (!NormalizeAxis(squeeze_dims[i], rank, &d) || in->dims[d] != 1) {
      return ctx.Fail(Status::kInvalidModel, "squeeze_dims[%u] = %d is not a size-1 dimension",
                      static_cast<unsigned>(i), static_cast<int>(squeeze_dims[i]));
    }
    drop[d] = true;
  }
  int32_t dims[kMaxRank];
  int out_rank = 0;
  for (int d = 0; d < rank; ++d) {
    if (!drop[d]) dims[out_rank++] = in->dims[d];
  }
  return ExpectShape(ctx, *out, "output", dims, out_rank);
}

Status SqueezeEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  if (in.data != out.data && out.bytes > 0) memmove(out.data, in.data, out.bytes);
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSqueeze = {
    static_cast<int32_t>(BuiltinOp::kSQUEEZE),   nullptr, 2, SqueezePrepare, SqueezeEval, nullptr,
    "float32 int8 int16 int32 int64 uint8 bool", 0b1};

}  // namespace microml
