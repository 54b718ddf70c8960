// CONCATENATION of up to 10 tensors of rank <= 6 (TFLM's limits) along one
// axis: float32, int8, int16, int32, int64 and bool.
//
// Quantized inputs are copied, never requantized, as TFLM does: it requires
// every int8 input to share the output's scale and zero point, and int16
// tensors to have zero point 0 (their scales are not compared, so TFLM copies
// int16 values across differing scales and so do we).
#include <string.h>

#include "kernels/reference/index_tensor.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kMaxInputs = 10;
constexpr int kMaxRank = 6;

// ConcatenationOptions field positions in the schema.
constexpr int kAxisField = 0;
constexpr int kActivationField = 1;

struct ConcatData {
  int32_t axis;
};

Status CheckQuantization(OpContext& ctx, TensorType type) {
  QuantParams out_q;
  const TensorRef out_ref = ctx.output_ref(0);
  const bool out_quantized = out_ref.quantization().scale.size() > 0;
  if (out_quantized) {
    MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, out_ref, type, "output", &out_q));
  }
  if (type == TensorType::kINT16 && out_q.zero_point != 0) {
    return ctx.Fail(Status::kUnsupported, "int16 output zero point %d, must be 0",
                    static_cast<int>(out_q.zero_point));
  }
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const TensorRef ref = ctx.input_ref(i);
    QuantParams q;
    if (ref.quantization().scale.size() > 0) {
      MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ref, type, "input", &q));
    }
    if (type == TensorType::kINT16 && q.zero_point != 0) {
      return ctx.Fail(Status::kUnsupported, "int16 input %d zero point %d, must be 0", i,
                      static_cast<int>(q.zero_point));
    }
    if (type == TensorType::kINT8 && (q.scale != out_q.scale || q.zero_point != out_q.zero_point)) {
      return ctx.Fail(Status::kUnsupported,
                      "int8 input %d differs from the output in scale or zero point (%d vs %d); "
                      "TFLM does not requantize",
                      i, static_cast<int>(q.zero_point), static_cast<int>(out_q.zero_point));
    }
  }
  return Status::kOk;
}

Status ConcatenationPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, kMaxInputs, 1));
  Tensor* out;
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType type = out->type;
  const bool type_ok = type == TensorType::kFLOAT32 || type == TensorType::kINT8 ||
                       type == TensorType::kINT16 || type == TensorType::kINT32 ||
                       type == TensorType::kINT64 || type == TensorType::kBOOL;
  if (!type_ok) return ctx.FailUnsupportedTypes();
  const TableRef opts = OptionsAs(ctx, OptionsType::kConcatenationOptions);
  const int8_t activation = opts.GetInt8(kActivationField, 0);
  if (activation != 0) {
    return ctx.Fail(Status::kUnsupported, "fused activation %d, only NONE (0) is supported",
                    activation);
  }
  const int rank = out->rank;
  if (rank > kMaxRank) {
    return ctx.Fail(Status::kUnsupported, "rank %d, at most %d", rank, kMaxRank);
  }
  int axis = 0;
  const int32_t raw_axis = opts.GetInt32(kAxisField, 0);
  if (!NormalizeAxis(raw_axis, rank, &axis)) {
    return ctx.Fail(Status::kInvalidModel, "axis %d outside a rank-%d output",
                    static_cast<int>(raw_axis), rank);
  }
  int64_t axis_total = 0;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    Tensor* in;
    MICROML_RETURN_IF_ERROR(RequireInput(ctx, i, &in));
    if (in->type != type) return ctx.FailUnsupportedTypes();
    if (in->rank != rank) {
      return ctx.Fail(Status::kInvalidModel, "input %d has rank %d, output rank %d", i, in->rank,
                      rank);
    }
    for (int d = 0; d < rank; ++d) {
      if (d != axis && in->dims[d] != out->dims[d]) {
        return ctx.Fail(Status::kInvalidModel, "input %d dimension %d is %d, output's is %d", i, d,
                        static_cast<int>(in->dims[d]), static_cast<int>(out->dims[d]));
      }
    }
    axis_total += in->dims[axis];
  }
  if (axis_total != out->dims[axis]) {
    return ctx.Fail(Status::kInvalidModel, "inputs add up to %lld along axis %d, output has %d",
                    static_cast<long long>(axis_total), axis, static_cast<int>(out->dims[axis]));
  }
  if (type == TensorType::kINT8 || type == TensorType::kINT16) {
    MICROML_RETURN_IF_ERROR(CheckQuantization(ctx, type));
  }
  ConcatData* d = ctx.AllocatePersistent<ConcatData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  d->axis = axis;
  return Status::kOk;
}

Status ConcatenationEval(OpContext& ctx) {
  const int axis = ctx.op_data_as<ConcatData>()->axis;
  const Tensor& out = *ctx.output(0);
  const size_t width = TensorTypeSize(out.type);
  size_t outer = 1;
  for (int d = 0; d < axis; ++d) outer *= static_cast<size_t>(out.dims[d]);
  size_t inner = width;
  for (int d = axis + 1; d < out.rank; ++d) inner *= static_cast<size_t>(out.dims[d]);
  uint8_t* dst = out.data_as<uint8_t>();
  const int n = ctx.num_inputs();
  for (size_t k = 0; k < outer; ++k) {
    for (int i = 0; i < n; ++i) {
      const Tensor& in = *ctx.input(i);
      const size_t chunk = static_cast<size_t>(in.dims[axis]) * inner;
      if (chunk == 0) continue;
      memcpy(dst, in.data_as<const uint8_t>() + k * chunk, chunk);
      dst += chunk;
    }
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterConcatenation = {static_cast<int32_t>(BuiltinOp::kCONCATENATION),
                                                   nullptr,
                                                   4,
                                                   ConcatenationPrepare,
                                                   ConcatenationEval,
                                                   nullptr,
                                                   "float32 int8 int16 int32 int64 bool"};

}  // namespace microml
