// TRANSPOSE by a constant permutation of up to 5 dimensions (TFLM's limit):
// float32, int8, int16.
#include <string.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kMaxRank = 5;

struct TransposeData {
  int32_t rank;
  // Input stride (in elements) of each output dimension.
  int32_t stride[kMaxRank];
};

Status TransposePrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *in, *perm, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &perm));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType type = in->type;
  const bool type_ok =
      type == TensorType::kFLOAT32 || type == TensorType::kINT8 || type == TensorType::kINT16;
  if (!type_ok || out->type != type) return ctx.FailUnsupportedTypes();
  const int rank = in->rank;
  if (rank < 1 || rank > kMaxRank) {
    return ctx.Fail(Status::kUnsupported, "input rank %d, supported 1 to %d", rank, kMaxRank);
  }
  MICROML_RETURN_IF_ERROR(RequireConstIndex(ctx, *perm, "perm", false));
  if (perm->rank != 1 || perm->dims[0] != rank) {
    return ctx.Fail(Status::kInvalidModel, "perm must be a vector of %d elements", rank);
  }
  int32_t in_stride[kMaxRank];
  int32_t stride = 1;
  for (int d = rank - 1; d >= 0; --d) {
    in_stride[d] = stride;
    stride *= in->dims[d];
  }
  TransposeData* data = ctx.AllocatePersistent<TransposeData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  data->rank = rank;
  bool seen[kMaxRank] = {};
  int32_t dims[kMaxRank];
  for (int i = 0; i < rank; ++i) {
    const int32_t p = perm->data_as<const int32_t>()[i];
    if (p < 0 || p >= rank || seen[p]) {
      return ctx.Fail(Status::kInvalidModel, "perm[%d] = %d is not a permutation entry", i,
                      static_cast<int>(p));
    }
    seen[p] = true;
    dims[i] = in->dims[p];
    data->stride[i] = in_stride[p];
  }
  return ExpectShape(ctx, *out, "output", dims, rank);
}

template <typename T>
void TransposeCopy(const TransposeData& data, const Tensor& out, const T* src, T* dst) {
  const int rank = data.rank;
  const int inner = rank - 1;
  for (int d = 0; d < rank; ++d) {
    if (out.dims[d] == 0) return;
  }
  int32_t index[kMaxRank] = {};
  size_t base = 0;
  for (;;) {
    size_t p = base;
    for (int32_t i = 0; i < out.dims[inner]; ++i, p += static_cast<size_t>(data.stride[inner])) {
      *dst++ = src[p];
    }
    int d = inner - 1;
    for (; d >= 0; --d) {
      base += static_cast<size_t>(data.stride[d]);
      if (++index[d] < out.dims[d]) break;
      base -= static_cast<size_t>(data.stride[d]) * static_cast<size_t>(out.dims[d]);
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

Status TransposeEval(OpContext& ctx) {
  const TransposeData& data = *ctx.op_data_as<TransposeData>();
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  switch (TensorTypeSize(in.type)) {
    case 1:
      TransposeCopy(data, out, in.data_as<const uint8_t>(), out.data_as<uint8_t>());
      break;
    case 2:
      TransposeCopy(data, out, in.data_as<const uint16_t>(), out.data_as<uint16_t>());
      break;
    default:
      TransposeCopy(data, out, in.data_as<const uint32_t>(), out.data_as<uint32_t>());
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterTranspose = {static_cast<int32_t>(BuiltinOp::kTRANSPOSE),
                                               nullptr,
                                               6,
                                               TransposePrepare,
                                               TransposeEval,
                                               nullptr,
                                               "float32 int8 int16"};

}  // namespace microml
