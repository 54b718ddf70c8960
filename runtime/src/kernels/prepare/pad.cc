#include "kernels/prepare/pad.h"

#include "kernels/reference/op_checks.h"

namespace microml {

namespace {

// Zero point and scale of a tensor, or zeros when it has no quantization.
Status OptionalQuant(OpContext& ctx, const TensorRef& ref, TensorType type, const char* what,
                     QuantParams* q) {
  q->scale = 0.0f;
  q->zero_point = 0;
  if (ref.quantization().scale.empty() && ref.quantization().zero_point.empty()) return Status::kOk;
  return GetPerTensorQuant(ctx, ref, type, what, q);
}

}  // namespace

Status PadPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 3, 1));
  Tensor *in, *paddings, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &paddings));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  Tensor* value = ctx.input(2);
  const TensorType type = in->type;
  if (out->type != type ||
      !(type == TensorType::kFLOAT32 || type == TensorType::kINT8 || type == TensorType::kINT16 ||
        type == TensorType::kINT32) ||
      paddings->type != TensorType::kINT32 || (value != nullptr && value->type != type)) {
    return ctx.FailUnsupportedTypes();
  }
  if (in->rank > kMaxPadRank || out->rank != in->rank) {
    return ctx.Fail(Status::kUnsupported, "input rank %d, output rank %d: need equal ranks <= %d",
                    in->rank, out->rank, kMaxPadRank);
  }
  if (!paddings->is_constant()) {
    return ctx.Fail(Status::kUnsupported, "paddings must be a constant tensor");
  }
  if (paddings->element_count() != 2u * in->rank) {
    return ctx.Fail(Status::kInvalidModel, "paddings has %u values, rank %d needs %d",
                    static_cast<unsigned>(paddings->element_count()), in->rank, 2 * in->rank);
  }
  const int32_t* pads = paddings->data_as<const int32_t>();
  for (int i = 0; i < in->rank; ++i) {
    const int32_t before = pads[2 * i];
    const int32_t after = pads[2 * i + 1];
    if (before < 0 || after < 0) {
      return ctx.Fail(Status::kUnsupported, "dimension %d: negative padding (%d, %d)", i,
                      static_cast<int>(before), static_cast<int>(after));
    }
    const int64_t want = static_cast<int64_t>(in->dims[i]) + before + after;
    if (out->dims[i] != want) {
      return ctx.Fail(Status::kInvalidModel, "dimension %d: output %d, input %d padded by %d+%d", i,
                      static_cast<int>(out->dims[i]), static_cast<int>(in->dims[i]),
                      static_cast<int>(before), static_cast<int>(after));
    }
  }
  if (value != nullptr && value->element_count() != 1) {
    return ctx.Fail(Status::kInvalidModel, "constant value has %u elements, expected 1",
                    static_cast<unsigned>(value->element_count()));
  }
  PadData* data = ctx.AllocatePersistent<PadData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  if (type == TensorType::kINT8) {
    QuantParams qo;
    MICROML_RETURN_IF_ERROR(OptionalQuant(ctx, ctx.output_ref(0), type, "output", &qo));
    data->default_value = qo.zero_point;
    if (value != nullptr) {
      QuantParams qv;
      MICROML_RETURN_IF_ERROR(OptionalQuant(ctx, ctx.input_ref(2), type, "constant value", &qv));
      if (qv.zero_point != qo.zero_point || qv.scale != qo.scale) {
        return ctx.Fail(Status::kUnsupported,
                        "constant value zero point %d / scale differ from the output's (%d)",
                        static_cast<int>(qv.zero_point), static_cast<int>(qo.zero_point));
      }
    }
  }
  return Status::kOk;
}

}  // namespace microml
