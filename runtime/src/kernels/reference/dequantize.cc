// DEQUANTIZE: per-tensor int8, uint8 or int16 -> float32.
#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct DequantizeData {
  float scale;
  int32_t zero_point;
};

Status DequantizePrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (!(in->type == TensorType::kINT8 || in->type == TensorType::kUINT8 ||
        in->type == TensorType::kINT16) ||
      out->type != TensorType::kFLOAT32) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->element_count() != out->element_count()) {
    return ctx.Fail(Status::kInvalidModel, "input has %u elements, output %u",
                    static_cast<unsigned>(in->element_count()),
                    static_cast<unsigned>(out->element_count()));
  }
  DequantizeData* d = ctx.AllocatePersistent<DequantizeData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  QuantParams q;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), in->type, "input", &q));
  d->scale = q.scale;
  d->zero_point = q.zero_point;
  return Status::kOk;
}

// TFLM multiplies in double; the float product here is the same correctly
// rounded value because (value - zero point) has at most 17 significant bits.
template <typename In>
void Dequantize(const DequantizeData& d, const In* in, float* out, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    out[i] = d.scale * static_cast<float>(static_cast<int32_t>(in[i]) - d.zero_point);
  }
}

Status DequantizeEval(OpContext& ctx) {
  const DequantizeData& d = *ctx.op_data_as<DequantizeData>();
  const Tensor& in = *ctx.input(0);
  float* out = ctx.output(0)->data_as<float>();
  const uint32_t n = in.element_count();
  switch (in.type) {
    case TensorType::kINT8:
      Dequantize(d, in.data_as<const int8_t>(), out, n);
      break;
    case TensorType::kUINT8:
      Dequantize(d, in.data_as<const uint8_t>(), out, n);
      break;
    default:
      Dequantize(d, in.data_as<const int16_t>(), out, n);
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterDequantize = {static_cast<int32_t>(BuiltinOp::kDEQUANTIZE),
                                                nullptr,
                                                6,
                                                DequantizePrepare,
                                                DequantizeEval,
                                                nullptr,
                                                "int8 uint8 int16"};

}  // namespace microml
