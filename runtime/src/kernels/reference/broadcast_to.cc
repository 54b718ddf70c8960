// BROADCAST_TO a constant shape (int32 or int64, up to 5 dimensions as in
// TFLM) for any element type of 1, 2, 4 or 8 bytes.
#include <string.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kMaxRank = 5;

Status BroadcastToPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *in, *shape, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &shape));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const size_t width = TensorTypeSize(in->type);
  if (out->type != in->type || in->type == TensorType::kINT4 ||
      !(width == 1 || width == 2 || width == 4 || width == 8)) {
    return ctx.FailUnsupportedTypes();
  }
  MICROML_RETURN_IF_ERROR(RequireConstIndex(ctx, *shape, "shape", true));
  if (shape->rank != 1) {
    return ctx.Fail(Status::kInvalidModel, "shape must be a vector (rank %d)", shape->rank);
  }
  const int rank = shape->dims[0];
  if (rank > kMaxRank || in->rank > rank) {
    return ctx.Fail(Status::kUnsupported, "input rank %d to rank %d, at most %d", in->rank, rank,
                    kMaxRank);
  }
  int32_t dims[kMaxRank];
  for (int d = 0; d < rank; ++d) {
    const int64_t v = IndexAt(*shape, static_cast<uint32_t>(d));
    if (v < 0 || v > INT32_MAX) {
      return ctx.Fail(Status::kInvalidModel, "shape[%d] = %lld", d, static_cast<long long>(v));
    }
    dims[d] = static_cast<int32_t>(v);
  }
  const int lead = rank - in->rank;
  for (int d = 0; d < in->rank; ++d) {
    if (in->dims[d] != 1 && in->dims[d] != dims[lead + d]) {
      return ctx.Fail(Status::kInvalidModel, "input dimension %d (%d) does not broadcast to %d", d,
                      static_cast<int>(in->dims[d]), static_cast<int>(dims[lead + d]));
    }
  }
  return ExpectShape(ctx, *out, "output", dims, rank);
}

Status BroadcastToEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const int rank = out.rank;
  if (out.element_count() == 0) return Status::kOk;
  const size_t width = TensorTypeSize(in.type);
  if (rank == 0) {
    memcpy(out.data, in.data, width);
    return Status::kOk;
  }
  // Input byte stride per output dimension, 0 where the input is broadcast.
  size_t stride[kMaxRank];
  size_t s = width;
  const int lead = rank - in.rank;
  for (int d = rank - 1; d >= 0; --d) {
    const int32_t in_dim = d >= lead ? in.dims[d - lead] : 1;
    stride[d] = in_dim == 1 ? 0 : s;
    s *= static_cast<size_t>(in_dim);
  }
  const int inner = rank - 1;
  const size_t run = static_cast<size_t>(out.dims[inner]);
  const uint8_t* src = in.data_as<const uint8_t>();
  uint8_t* dst = out.data_as<uint8_t>();
  int32_t index[kMaxRank] = {};
  size_t base = 0;
  for (;;) {
    if (stride[inner] != 0) {
      memcpy(dst, src + base, run * width);
      dst += run * width;
    } else {
      for (size_t i = 0; i < run; ++i, dst += width) memcpy(dst, src + base, width);
    }
    int d = inner - 1;
    for (; d >= 0; --d) {
      base += stride[d];
      if (++index[d] < out.dims[d]) break;
      base -= stride[d] * static_cast<size_t>(out.dims[d]);
      index[d] = 0;
    }
    if (d < 0) return Status::kOk;
  }
}

}  // namespace

const KernelRegistration kRegisterBroadcastTo = {static_cast<int32_t>(BuiltinOp::kBROADCAST_TO),
                                                 nullptr,
                                                 3,
                                                 BroadcastToPrepare,
                                                 BroadcastToEval,
                                                 nullptr,
                                                 "float32 int8 uint8 int16 int32 int64 bool"};

}  // namespace microml
