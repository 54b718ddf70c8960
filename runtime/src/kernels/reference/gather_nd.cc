// GATHER_ND of float32 or int8 slices addressed by int32 index tuples (the
// innermost indices dimension, at most 5 long). Every index is bounds-checked
// before use: in prepare for constant indices, else at each eval, where one
// out of range fails the invocation as in TFLM.
#include <string.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kMaxIndexDepth = 5;
constexpr int kMaxRank = 8;

Status CheckIndices(OpContext& ctx, const Tensor& params, const Tensor& indices, Status status) {
  const int depth = indices.dims[indices.rank - 1];
  const int32_t* p = indices.data_as<const int32_t>();
  const uint32_t n = indices.element_count();
  for (uint32_t i = 0; i < n; ++i) {
    const int d = static_cast<int>(i % static_cast<uint32_t>(depth));
    if (p[i] < 0 || p[i] >= params.dims[d]) {
      return ctx.Fail(status, "index %d (element %u) outside [0, %d) of params dimension %d",
                      static_cast<int>(p[i]), static_cast<unsigned>(i),
                      static_cast<int>(params.dims[d]), d);
    }
  }
  return Status::kOk;
}

Status GatherNdPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *params, *indices, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &params));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &indices));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const bool type_ok = IsOneOf(params->type, TensorType::kFLOAT32, TensorType::kINT8);
  if (!type_ok || out->type != params->type || indices->type != TensorType::kINT32) {
    return ctx.FailUnsupportedTypes();
  }
  if (params->rank < 1 || indices->rank < 1) {
    return ctx.Fail(Status::kInvalidModel, "params rank %d and indices rank %d must be >= 1",
                    params->rank, indices->rank);
  }
  const int depth = indices->dims[indices->rank - 1];
  if (depth > params->rank || depth > kMaxIndexDepth) {
    return ctx.Fail(Status::kUnsupported, "index depth %d, params rank %d (at most %d)", depth,
                    params->rank, kMaxIndexDepth);
  }
  const int out_rank = indices->rank - 1 + params->rank - depth;
  if (out_rank > kMaxRank) {
    return ctx.Fail(Status::kUnsupported, "output rank %d, at most %d", out_rank, kMaxRank);
  }
  int32_t dims[kMaxRank];
  int n = 0;
  for (int d = 0; d < indices->rank - 1; ++d) dims[n++] = indices->dims[d];
  for (int d = depth; d < params->rank; ++d) dims[n++] = params->dims[d];
  MICROML_RETURN_IF_ERROR(ExpectShape(ctx, *out, "output", dims, out_rank));
  if (indices->is_constant() && depth > 0) {
    return CheckIndices(ctx, *params, *indices, Status::kInvalidModel);
  }
  return Status::kOk;
}

Status GatherNdEval(OpContext& ctx) {
  const Tensor& params = *ctx.input(0);
  const Tensor& indices = *ctx.input(1);
  const Tensor& out = *ctx.output(0);
  const int depth = indices.dims[indices.rank - 1];
  if (!indices.is_constant() && depth > 0) {
    MICROML_RETURN_IF_ERROR(CheckIndices(ctx, params, indices, Status::kInvalidArgument));
  }
  size_t slice = TensorTypeSize(params.type);
  for (int d = depth; d < params.rank; ++d) slice *= static_cast<size_t>(params.dims[d]);
  // Byte stride of each indexed dimension.
  size_t stride[kMaxIndexDepth];
  size_t s = slice;
  for (int d = depth - 1; d >= 0; --d) {
    stride[d] = s;
    s *= static_cast<size_t>(params.dims[d]);
  }
  size_t slices = 1;
  for (int d = 0; d < indices.rank - 1; ++d) slices *= static_cast<size_t>(indices.dims[d]);
  if (slice == 0) return Status::kOk;
  const uint8_t* src = params.data_as<const uint8_t>();
  const int32_t* idx = indices.data_as<const int32_t>();
  uint8_t* dst = out.data_as<uint8_t>();
  for (size_t i = 0; i < slices; ++i) {
    size_t from = 0;
    for (int d = 0; d < depth; ++d) from += static_cast<size_t>(*idx++) * stride[d];
    memcpy(dst, src + from, slice);
    dst += slice;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterGatherNd = {static_cast<int32_t>(BuiltinOp::kGATHER_ND),
                                              nullptr,
                                              5,
                                              GatherNdPrepare,
                                              GatherNdEval,
                                              nullptr,
                                              "float32 int8"};

}  // namespace microml
