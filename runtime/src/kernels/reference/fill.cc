// FILL: an output of the shape given by a constant dims vector, every element
// the scalar value (float32, int8, int32).
#include <string.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// TFLM compares dims of any of these integer types with the output shape.
bool IsDimsType(TensorType t) {
  return t == TensorType::kINT8 || t == TensorType::kINT16 || IsIndexType(t);
}

int64_t DimAt(const Tensor& dims, uint32_t i) {
  if (dims.type == TensorType::kINT8) return dims.data_as<const int8_t>()[i];
  if (dims.type == TensorType::kINT16) return dims.data_as<const int16_t>()[i];
  return IndexAt(dims, i);
}

Status FillPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *dims, *value, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &dims));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &value));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType type = value->type;
  const bool type_ok =
      type == TensorType::kFLOAT32 || type == TensorType::kINT8 || type == TensorType::kINT32;
  if (!type_ok || out->type != type || !IsDimsType(dims->type)) {
    return ctx.FailUnsupportedTypes();
  }
  if (value->rank != 0) {
    return ctx.Fail(Status::kInvalidModel, "value must be a scalar (rank %d)", value->rank);
  }
  if (!dims->is_constant()) return ctx.Fail(Status::kUnsupported, "dims tensor must be constant");
  if (dims->rank != 1 || dims->dims[0] != out->rank) {
    return ctx.Fail(Status::kInvalidModel, "dims must be a vector of %d elements", out->rank);
  }
  for (int d = 0; d < out->rank; ++d) {
    const int64_t v = DimAt(*dims, static_cast<uint32_t>(d));
    if (v != out->dims[d]) {
      return ctx.Fail(Status::kInvalidModel, "dims[%d] = %lld, output dimension is %d", d,
                      static_cast<long long>(v), static_cast<int>(out->dims[d]));
    }
  }
  return Status::kOk;
}

Status FillEval(OpContext& ctx) {
  const Tensor& value = *ctx.input(1);
  const Tensor& out = *ctx.output(0);
  const size_t width = TensorTypeSize(out.type);
  const uint32_t n = out.element_count();
  uint8_t* dst = out.data_as<uint8_t>();
  for (uint32_t i = 0; i < n; ++i, dst += width) memcpy(dst, value.data, width);
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterFill = {static_cast<int32_t>(BuiltinOp::kFILL),
                                          nullptr,
                                          4,
                                          FillPrepare,
                                          FillEval,
                                          nullptr,
                                          "float32 int8 int32"};

}  // namespace microml
