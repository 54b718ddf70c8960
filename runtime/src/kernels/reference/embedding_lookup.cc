// EMBEDDING_LOOKUP: rows of a float32 or int8 table picked by int32 ids, copied
// or (int8 table, float32 output) dequantized with the table's scale. Ids are
// checked before use: in prepare when constant, else at each eval, where one
// out of range fails the invocation as in TFLM.
#include <string.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kMaxRank = 8;

struct EmbeddingData {
  float scale;  // table scale when dequantizing
  bool dequantize;
};

Status CheckIds(OpContext& ctx, const Tensor& ids, int32_t rows, Status status) {
  const int32_t* p = ids.data_as<const int32_t>();
  for (int32_t i = 0; i < ids.dims[0]; ++i) {
    if (p[i] < 0 || p[i] >= rows) {
      return ctx.Fail(status, "id %d (element %d) outside [0, %d)", static_cast<int>(p[i]),
                      static_cast<int>(i), static_cast<int>(rows));
    }
  }
  return Status::kOk;
}

Status EmbeddingLookupPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *ids, *table, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &ids));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &table));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const bool copy =
      table->type == out->type && IsOneOf(out->type, TensorType::kFLOAT32, TensorType::kINT8);
  const bool dequantize = table->type == TensorType::kINT8 && out->type == TensorType::kFLOAT32;
  if (ids->type != TensorType::kINT32 || !(copy || dequantize)) {
    return ctx.FailUnsupportedTypes();
  }
  if (ids->rank != 1) {
    return ctx.Fail(Status::kInvalidModel, "ids must be a vector (rank %d)", ids->rank);
  }
  if (table->rank < 2 || table->rank > kMaxRank) {
    return ctx.Fail(Status::kUnsupported, "table rank %d, supported 2 to %d", table->rank,
                    kMaxRank);
  }
  int32_t dims[kMaxRank];
  dims[0] = ids->dims[0];
  for (int d = 1; d < table->rank; ++d) dims[d] = table->dims[d];
  MICROML_RETURN_IF_ERROR(ExpectShape(ctx, *out, "output", dims, table->rank));
  EmbeddingData* data = ctx.AllocatePersistent<EmbeddingData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  data->dequantize = dequantize;
  if (dequantize) {
    QuantParams q;
    MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(1), table->type, "table", &q));
    if (q.zero_point != 0) {
      return ctx.Fail(Status::kUnsupported, "table zero point %d, must be 0 to dequantize",
                      static_cast<int>(q.zero_point));
    }
    data->scale = q.scale;
  }
  if (ids->is_constant()) {
    return CheckIds(ctx, *ids, table->dims[0], Status::kInvalidModel);
  }
  return Status::kOk;
}

Status EmbeddingLookupEval(OpContext& ctx) {
  const EmbeddingData& data = *ctx.op_data_as<EmbeddingData>();
  const Tensor& ids = *ctx.input(0);
  const Tensor& table = *ctx.input(1);
  const Tensor& out = *ctx.output(0);
  if (!ids.is_constant()) {
    MICROML_RETURN_IF_ERROR(CheckIds(ctx, ids, table.dims[0], Status::kInvalidArgument));
  }
  size_t row = 1;
  for (int d = 1; d < table.rank; ++d) row *= static_cast<size_t>(table.dims[d]);
  if (row == 0) return Status::kOk;
  const int32_t* p = ids.data_as<const int32_t>();
  for (int32_t i = 0; i < ids.dims[0]; ++i) {
    const size_t from = static_cast<size_t>(p[i]) * row;
    const size_t to = static_cast<size_t>(i) * row;
    if (data.dequantize) {
      const int8_t* src = table.data_as<const int8_t>() + from;
      float* dst = out.data_as<float>() + to;
      for (size_t k = 0; k < row; ++k) dst[k] = static_cast<float>(src[k]) * data.scale;
    } else {
      const size_t width = TensorTypeSize(table.type);
      memcpy(out.data_as<uint8_t>() + to * width, table.data_as<const uint8_t>() + from * width,
             row * width);
    }
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterEmbeddingLookup = {
    static_cast<int32_t>(BuiltinOp::kEMBEDDING_LOOKUP),
    nullptr,
    3,
    EmbeddingLookupPrepare,
    EmbeddingLookupEval,
    nullptr,
    "float32 int8 int8_float32"};

}  // namespace microml
