// SELECT_V2: out = condition ? x : y, elementwise with numpy broadcasting of
// all three inputs up to 8 dimensions; float32, int8 and int16 values (TFLM's
// set; quantization parameters are passed through untouched). As in TFLM, when
// every tensor holds a single element their shapes need not agree.
#include <stdint.h>

#include "kernels/reference/broadcast.h"
#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kNumInputs = 3;

Status SelectV2Prepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, kNumInputs, kNumInputs, 1));
  Tensor* in[kNumInputs];
  Tensor* out;
  for (int i = 0; i < kNumInputs; ++i) MICROML_RETURN_IF_ERROR(RequireInput(ctx, i, &in[i]));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType t = out->type;
  if (in[0]->type != TensorType::kBOOL || in[1]->type != t || in[2]->type != t ||
      !(t == TensorType::kFLOAT32 || t == TensorType::kINT8 || t == TensorType::kINT16)) {
    return ctx.FailUnsupportedTypes();
  }
  if (out->element_count() == 1 && in[0]->element_count() == 1 && in[1]->element_count() == 1 &&
      in[2]->element_count() == 1) {
    return Status::kOk;
  }
  int rank = 0;
  for (int i = 0; i < kNumInputs; ++i) rank = in[i]->rank > rank ? in[i]->rank : rank;
  if (rank > kMaxBroadcastRank) {
    return ctx.Fail(Status::kUnsupported, "inputs of rank %d, at most %d supported", rank,
                    kMaxBroadcastRank);
  }
  if (out->rank != rank) {
    return ctx.Fail(Status::kInvalidModel, "output rank %d, inputs broadcast to rank %d", out->rank,
                    rank);
  }
  for (int d = 0; d < rank; ++d) {
    int32_t want = 1;
    for (int i = 0; i < kNumInputs; ++i) {
      const int32_t size = in[i]->dim_from_end(d);
      if (size == 1) continue;
      if (want != 1 && size != want) {
        return ctx.Fail(Status::kInvalidModel, "dimension %d: sizes %d and %d do not broadcast",
                        rank - 1 - d, static_cast<int>(want), static_cast<int>(size));
      }
      want = size;
    }
    if (out->dim_from_end(d) != want) {
      return ctx.Fail(Status::kInvalidModel, "output dimension %d is %d, inputs broadcast to %d",
                      rank - 1 - d, static_cast<int>(out->dim_from_end(d)), static_cast<int>(want));
    }
  }
  return Status::kOk;
}

template <typename T>
void Select(const Tensor& cond, const Tensor& x, const Tensor& y, const Tensor& out) {
  const uint8_t* pc = cond.data_as<const uint8_t>();
  const T* px = x.data_as<const T>();
  const T* py = y.data_as<const T>();
  T* po = out.data_as<T>();
  const uint32_t n = out.element_count();
  if (n == 1 && cond.element_count() == 1 && x.element_count() == 1 && y.element_count() == 1) {
    po[0] = pc[0] != 0 ? px[0] : py[0];
    return;
  }
  // Per output dimension (innermost first): its size and each input's stride.
  const int rank = out.rank;
  int32_t size[kMaxBroadcastRank];
  uint32_t stride[kNumInputs][kMaxBroadcastRank];
  const Tensor* in[kNumInputs] = {&cond, &x, &y};
  for (int i = 0; i < kNumInputs; ++i) {
    uint32_t acc = 1;
    for (int d = 0; d < rank; ++d) {
      const int32_t dim = in[i]->dim_from_end(d);
      stride[i][d] = dim == 1 ? 0 : acc;
      acc *= static_cast<uint32_t>(dim);
    }
  }
  for (int d = 0; d < rank; ++d) size[d] = out.dim_from_end(d);
  int32_t index[kMaxBroadcastRank] = {};
  uint32_t offset[kNumInputs] = {};
  for (uint32_t k = 0; k < n; ++k) {
    po[k] = pc[offset[0]] != 0 ? px[offset[1]] : py[offset[2]];
    for (int d = 0; d < rank; ++d) {
      for (int i = 0; i < kNumInputs; ++i) offset[i] += stride[i][d];
      if (++index[d] < size[d]) break;
      for (int i = 0; i < kNumInputs; ++i)
        offset[i] -= stride[i][d] * static_cast<uint32_t>(size[d]);
      index[d] = 0;
    }
  }
}

Status SelectV2Eval(OpContext& ctx) {
  const Tensor& cond = *ctx.input(0);
  const Tensor& x = *ctx.input(1);
  const Tensor& y = *ctx.input(2);
  const Tensor& out = *ctx.output(0);
  switch (out.type) {
    case TensorType::kFLOAT32:
      Select<float>(cond, x, y, out);
      break;
    case TensorType::kINT8:
      Select<int8_t>(cond, x, y, out);
      break;
    default:
      Select<int16_t>(cond, x, y, out);
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterSelectV2 = {static_cast<int32_t>(BuiltinOp::kSELECT_V2),
                                              nullptr,
                                              2,
                                              SelectV2Prepare,
                                              SelectV2Eval,
                                              nullptr,
                                              "float32 int8 int16"};

}  // namespace microml
