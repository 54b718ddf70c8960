// UNPACK: splits a tensor into `num` tensors along one axis, dropping that
// axis (float32, int8, int16, int32).
#include <string.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kMaxRank = 8;

// UnpackOptions field positions in the schema.
constexpr int kNumField = 0;
constexpr int kAxisField = 1;

struct UnpackData {
  int32_t axis;
};

Status UnpackPrepare(OpContext& ctx) {
  const TableRef opts = OptionsAs(ctx, OptionsType::kUnpackOptions);
  const int32_t num = opts.GetInt32(kNumField, 0);
  if (num < 1 || num != ctx.num_outputs()) {
    return ctx.Fail(Status::kInvalidModel, "num %d, operator has %d outputs", static_cast<int>(num),
                    ctx.num_outputs());
  }
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, num));
  Tensor* in;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  const TensorType type = in->type;
  const bool type_ok = type == TensorType::kFLOAT32 || type == TensorType::kINT8 ||
                       type == TensorType::kINT16 || type == TensorType::kINT32;
  if (!type_ok) return ctx.FailUnsupportedTypes();
  const int rank = in->rank;
  if (rank > kMaxRank) {
    return ctx.Fail(Status::kUnsupported, "input rank %d, at most %d", rank, kMaxRank);
  }
  int axis = 0;
  const int32_t raw_axis = opts.GetInt32(kAxisField, 0);
  if (!NormalizeAxis(raw_axis, rank, &axis)) {
    return ctx.Fail(Status::kInvalidModel, "axis %d outside a rank-%d input",
                    static_cast<int>(raw_axis), rank);
  }
  if (in->dims[axis] != num) {
    return ctx.Fail(Status::kInvalidModel, "input dimension %d is %d, num is %d", axis,
                    static_cast<int>(in->dims[axis]), static_cast<int>(num));
  }
  int32_t dims[kMaxRank];
  for (int d = 0, o = 0; d < rank; ++d) {
    if (d != axis) dims[o++] = in->dims[d];
  }
  for (int i = 0; i < num; ++i) {
    Tensor* out;
    MICROML_RETURN_IF_ERROR(RequireOutput(ctx, i, &out));
    if (out->type != type) return ctx.FailUnsupportedTypes();
    MICROML_RETURN_IF_ERROR(ExpectShape(ctx, *out, "output", dims, rank - 1));
  }
  UnpackData* data = ctx.AllocatePersistent<UnpackData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  data->axis = axis;
  return Status::kOk;
}

Status UnpackEval(OpContext& ctx) {
  const int axis = ctx.op_data_as<UnpackData>()->axis;
  const Tensor& in = *ctx.input(0);
  size_t outer = 1;
  for (int d = 0; d < axis; ++d) outer *= static_cast<size_t>(in.dims[d]);
  size_t chunk = TensorTypeSize(in.type);
  for (int d = axis + 1; d < in.rank; ++d) chunk *= static_cast<size_t>(in.dims[d]);
  if (chunk == 0) return Status::kOk;
  const int n = ctx.num_outputs();
  const uint8_t* src = in.data_as<const uint8_t>();
  for (size_t k = 0; k < outer; ++k) {
    for (int i = 0; i < n; ++i) {
      memcpy(ctx.output(i)->data_as<uint8_t>() + k * chunk, src, chunk);
      src += chunk;
    }
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterUnpack = {static_cast<int32_t>(BuiltinOp::kUNPACK),
                                            nullptr,
                                            4,
                                            UnpackPrepare,
                                            UnpackEval,
                                            nullptr,
                                            "float32 int8 int16 int32"};

}  // namespace microml
