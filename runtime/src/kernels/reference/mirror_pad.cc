// MIRROR_PAD (REFLECT or SYMMETRIC) of float32 and int8 tensors with an int32
// or int64 [rank, 2] paddings tensor. Paddings are read in prepare when
// constant, else at every eval; each must fit the mirrored axis (REFLECT: at
// most size - 1, SYMMETRIC: at most size) and the output shape must match.
#include <string.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kMaxRank = 6;

// MirrorPadOptions field position and MirrorPadMode values in the schema.
constexpr int kModeField = 0;
constexpr int8_t kReflect = 0;
constexpr int8_t kSymmetric = 1;

struct MirrorPadData {
  int32_t offset;  // 1 for REFLECT (the edge is not repeated), 0 for SYMMETRIC
  bool constant;
  int32_t before[kMaxRank];  // valid when `constant`
};

Status ReadPaddings(OpContext& ctx, const Tensor& in, const Tensor& paddings, const Tensor& out,
                    int32_t offset, Status status, int32_t* before) {
  for (int d = 0; d < in.rank; ++d) {
    const int64_t lo = IndexAt(paddings, static_cast<uint32_t>(2 * d));
    const int64_t hi = IndexAt(paddings, static_cast<uint32_t>(2 * d + 1));
    const int64_t limit = static_cast<int64_t>(in.dims[d]) - offset;
    if (lo < 0 || hi < 0 || lo > limit || hi > limit) {
      return ctx.Fail(status, "dimension %d of size %d: paddings %lld, %lld exceed %lld", d,
                      static_cast<int>(in.dims[d]), static_cast<long long>(lo),
                      static_cast<long long>(hi), static_cast<long long>(limit < 0 ? 0 : limit));
    }
    if (out.dims[d] != in.dims[d] + lo + hi) {
      return ctx.Fail(status, "output dimension %d is %d, padding gives %lld", d,
                      static_cast<int>(out.dims[d]), static_cast<long long>(in.dims[d] + lo + hi));
    }
    before[d] = static_cast<int32_t>(lo);
  }
  return Status::kOk;
}

Status MirrorPadPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *in, *paddings, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &paddings));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (!IsOneOf(in->type, TensorType::kFLOAT32, TensorType::kINT8) || out->type != in->type ||
      !IsIndexType(paddings->type)) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank > kMaxRank || out->rank != in->rank) {
    return ctx.Fail(Status::kUnsupported, "input rank %d, output rank %d (at most %d)", in->rank,
                    out->rank, kMaxRank);
  }
  if (paddings->rank != 2 || paddings->dims[0] != in->rank || paddings->dims[1] != 2) {
    return ctx.Fail(Status::kInvalidModel, "paddings must have shape [%d, 2]", in->rank);
  }
  const int8_t mode = OptionsAs(ctx, OptionsType::kMirrorPadOptions).GetInt8(kModeField, 0);
  if (mode != kReflect && mode != kSymmetric) {
    return ctx.Fail(Status::kInvalidModel, "mode %d is neither REFLECT (0) nor SYMMETRIC (1)",
                    mode);
  }
  MirrorPadData* data = ctx.AllocatePersistent<MirrorPadData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  data->offset = mode == kReflect ? 1 : 0;
  data->constant = paddings->is_constant();
  if (data->constant) {
    return ReadPaddings(ctx, *in, *paddings, *out, data->offset, Status::kInvalidModel,
                        data->before);
  }
  return Status::kOk;
}

// Input coordinate mirrored onto output coordinate `i` of one axis.
inline int32_t SourceIndex(int32_t i, int32_t before, int32_t size, int32_t offset) {
  if (i < before) return before - 1 + offset - i;
  i -= before;
  if (i < size) return i;
  return size - 1 - offset - (i - size);
}

template <typename T>
void MirrorPadCopy(const Tensor& in, const Tensor& out, const int32_t* before, int32_t offset) {
  const int rank = in.rank;
  size_t in_stride[kMaxRank];
  size_t s = 1;
  for (int d = rank - 1; d >= 0; --d) {
    in_stride[d] = s;
    s *= static_cast<size_t>(in.dims[d]);
  }
  const uint32_t total = out.element_count();
  if (total == 0) return;
  int32_t index[kMaxRank] = {};
  const T* src = in.data_as<const T>();
  T* dst = out.data_as<T>();
  for (uint32_t n = 0; n < total; ++n) {
    size_t from = 0;
    for (int d = 0; d < rank; ++d) {
      from +=
          static_cast<size_t>(SourceIndex(index[d], before[d], in.dims[d], offset)) * in_stride[d];
    }
    dst[n] = src[from];
    for (int d = rank - 1; d >= 0; --d) {
      if (++index[d] < out.dims[d]) break;
      index[d] = 0;
    }
  }
}

Status MirrorPadEval(OpContext& ctx) {
  const MirrorPadData& data = *ctx.op_data_as<MirrorPadData>();
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  int32_t before[kMaxRank];
  const int32_t* b = data.before;
  if (!data.constant) {
    MICROML_RETURN_IF_ERROR(
        ReadPaddings(ctx, in, *ctx.input(1), out, data.offset, Status::kInvalidArgument, before));
    b = before;
  }
  if (in.type == TensorType::kINT8) {
    MirrorPadCopy<uint8_t>(in, out, b, data.offset);
  } else {
    MirrorPadCopy<uint32_t>(in, out, b, data.offset);
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterMirrorPad = {static_cast<int32_t>(BuiltinOp::kMIRROR_PAD),
                                               nullptr,
                                               3,
                                               MirrorPadPrepare,
                                               MirrorPadEval,
                                               nullptr,
                                               "float32 int8"};

}  // namespace microml
