// PACK: stacks N tensors of one shape along a new axis (float32, int8, int16,
// int32, int64). A plain copy, as in TFLM: quantized inputs are not rescaled.
#include <string.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kMaxRank = 8;

// PackOptions field positions in the schema.
constexpr int kValuesCountField = 0;
constexpr int kAxisField = 1;

struct PackData {
  int32_t axis;
};

Status PackPrepare(OpContext& ctx) {
  const TableRef opts = OptionsAs(ctx, OptionsType::kPackOptions);
  const int32_t count = opts.GetInt32(kValuesCountField, 0);
  if (count < 1 || count != ctx.num_inputs()) {
    return ctx.Fail(Status::kInvalidModel, "values_count %d, operator has %d inputs",
                    static_cast<int>(count), ctx.num_inputs());
  }
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, count, count, 1));
  Tensor *first, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &first));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType type = out->type;
  const bool type_ok = type == TensorType::kFLOAT32 || type == TensorType::kINT8 ||
                       type == TensorType::kINT16 || type == TensorType::kINT32 ||
                       type == TensorType::kINT64;
  if (!type_ok) return ctx.FailUnsupportedTypes();
  const int rank = first->rank + 1;
  if (rank > kMaxRank) {
    return ctx.Fail(Status::kUnsupported, "output rank %d, at most %d", rank, kMaxRank);
  }
  int axis = 0;
  const int32_t raw_axis = opts.GetInt32(kAxisField, 0);
  if (!NormalizeAxis(raw_axis, rank, &axis)) {
    return ctx.Fail(Status::kInvalidModel, "axis %d outside a rank-%d output",
                    static_cast<int>(raw_axis), rank);
  }
  for (int i = 0; i < count; ++i) {
    Tensor* in;
    MICROML_RETURN_IF_ERROR(RequireInput(ctx, i, &in));
    if (in->type != type) return ctx.FailUnsupportedTypes();
    if (!SameShape(*in, *first)) {
      return ctx.Fail(Status::kInvalidModel, "input %d has another shape than input 0", i);
    }
  }
  int32_t dims[kMaxRank];
  for (int d = 0, s = 0; d < rank; ++d) dims[d] = d == axis ? count : first->dims[s++];
  MICROML_RETURN_IF_ERROR(ExpectShape(ctx, *out, "output", dims, rank));
  PackData* data = ctx.AllocatePersistent<PackData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  data->axis = axis;
  return Status::kOk;
}

Status PackEval(OpContext& ctx) {
  const int axis = ctx.op_data_as<PackData>()->axis;
  const Tensor& out = *ctx.output(0);
  size_t outer = 1;
  for (int d = 0; d < axis; ++d) outer *= static_cast<size_t>(out.dims[d]);
  size_t chunk = TensorTypeSize(out.type);
  for (int d = axis + 1; d < out.rank; ++d) chunk *= static_cast<size_t>(out.dims[d]);
  if (chunk == 0) return Status::kOk;
  const int n = ctx.num_inputs();
  uint8_t* dst = out.data_as<uint8_t>();
  for (size_t k = 0; k < outer; ++k) {
    for (int i = 0; i < n; ++i) {
      memcpy(dst, ctx.input(i)->data_as<const uint8_t>() + k * chunk, chunk);
      dst += chunk;
    }
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterPack = {
    static_cast<int32_t>(BuiltinOp::kPACK), nullptr, 4, PackPrepare, PackEval, nullptr,
    "float32 int8 int16 int32 int64"};

}  // namespace microml
