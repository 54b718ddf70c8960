// GATHER of float32 or int8 slices by int32 positions along an axis, with
// batch_dims. Positions are data: each is checked before use (in prepare when
// constant, else at every eval, where one out of range fails the invocation
// as it does in TFLM).
#include <string.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kMaxRank = 8;

// GatherOptions field positions in the schema.
constexpr int kAxisField = 0;
constexpr int kBatchDimsField = 1;

struct GatherData {
  int32_t axis;
  int32_t batch_dims;
};

Status CheckPositions(OpContext& ctx, const Tensor& coords, int32_t axis_size, Status status) {
  const int32_t* p = coords.data_as<const int32_t>();
  const uint32_t n = coords.element_count();
  for (uint32_t i = 0; i < n; ++i) {
    if (p[i] < 0 || p[i] >= axis_size) {
      return ctx.Fail(status, "position %d (element %u) outside [0, %d)", static_cast<int>(p[i]),
                      static_cast<unsigned>(i), static_cast<int>(axis_size));
    }
  }
  return Status::kOk;
}

Status GatherPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *in, *coords, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &coords));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const bool type_ok = IsOneOf(in->type, TensorType::kFLOAT32, TensorType::kINT8);
  if (!type_ok || out->type != in->type || coords->type != TensorType::kINT32) {
    return ctx.FailUnsupportedTypes();
  }
  const TableRef opts = OptionsAs(ctx, OptionsType::kGatherOptions);
  const int32_t raw_axis = opts.GetInt32(kAxisField, 0);
  int axis = 0;
  if (!NormalizeAxis(raw_axis, in->rank, &axis)) {
    return ctx.Fail(Status::kInvalidModel, "axis %d outside a rank-%d input",
                    static_cast<int>(raw_axis), in->rank);
  }
  int32_t batch_dims = opts.GetInt32(kBatchDimsField, 0);
  if (batch_dims < 0) batch_dims += coords->rank;
  if (batch_dims < 0 || batch_dims > axis || batch_dims > coords->rank) {
    return ctx.Fail(Status::kInvalidModel, "batch_dims %d with axis %d and positions of rank %d",
                    static_cast<int>(batch_dims), axis, coords->rank);
  }
  for (int d = 0; d < batch_dims; ++d) {
    if (in->dims[d] != coords->dims[d]) {
      return ctx.Fail(Status::kInvalidModel, "batch dimension %d: input %d, positions %d", d,
                      static_cast<int>(in->dims[d]), static_cast<int>(coords->dims[d]));
    }
  }
  const int out_rank = in->rank + coords->rank - 1 - batch_dims;
  if (out_rank > kMaxRank) {
    return ctx.Fail(Status::kUnsupported, "output rank %d, at most %d", out_rank, kMaxRank);
  }
  int32_t dims[kMaxRank];
  int n = 0;
  for (int d = 0; d < axis; ++d) dims[n++] = in->dims[d];
  for (int d = batch_dims; d < coords->rank; ++d) dims[n++] = coords->dims[d];
  for (int d = axis + 1; d < in->rank; ++d) dims[n++] = in->dims[d];
  MICROML_RETURN_IF_ERROR(ExpectShape(ctx, *out, "output", dims, out_rank));
  if (coords->is_constant()) {
    MICROML_RETURN_IF_ERROR(CheckPositions(ctx, *coords, in->dims[axis], Status::kInvalidModel));
  }
  GatherData* data = ctx.AllocatePersistent<GatherData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  data->axis = axis;
  data->batch_dims = batch_dims;
  return Status::kOk;
}

Status GatherEval(OpContext& ctx) {
  const GatherData& data = *ctx.op_data_as<GatherData>();
  const Tensor& in = *ctx.input(0);
  const Tensor& coords = *ctx.input(1);
  const Tensor& out = *ctx.output(0);
  const int32_t axis_size = in.dims[data.axis];
  if (!coords.is_constant()) {
    MICROML_RETURN_IF_ERROR(CheckPositions(ctx, coords, axis_size, Status::kInvalidArgument));
  }
  size_t batches = 1, outer = 1, inner = TensorTypeSize(in.type), positions = 1;
  for (int d = 0; d < data.batch_dims; ++d) batches *= static_cast<size_t>(in.dims[d]);
  for (int d = data.batch_dims; d < data.axis; ++d) outer *= static_cast<size_t>(in.dims[d]);
  for (int d = data.axis + 1; d < in.rank; ++d) inner *= static_cast<size_t>(in.dims[d]);
  for (int d = data.batch_dims; d < coords.rank; ++d) {
    positions *= static_cast<size_t>(coords.dims[d]);
  }
  if (inner == 0 || positions == 0) return Status::kOk;
  const uint8_t* src = in.data_as<const uint8_t>();
  const int32_t* pos = coords.data_as<const int32_t>();
  uint8_t* dst = out.data_as<uint8_t>();
  for (size_t b = 0; b < batches; ++b) {
    for (size_t o = 0; o < outer; ++o) {
      const uint8_t* block = src + (b * outer + o) * static_cast<size_t>(axis_size) * inner;
      for (size_t c = 0; c < positions; ++c) {
        memcpy(dst, block + static_cast<size_t>(pos[b * positions + c]) * inner, inner);
        dst += inner;
      }
    }
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterGather = {static_cast<int32_t>(BuiltinOp::kGATHER),
                                            nullptr,
                                            7,
                                            GatherPrepare,
                                            GatherEval,
                                            nullptr,
                                            "float32 int8"};

}  // namespace microml
