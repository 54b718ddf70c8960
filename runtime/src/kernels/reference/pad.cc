// PAD and PADV2 (constant padding) for float32, int8, int16 and int32 tensors
// of up to 5 dimensions. Paddings must be a constant int32 [rank, 2] tensor.
// The fill value is the optional third input, else 0 (the zero point for int8;
// TFLM fills int16 with 0 whatever its zero point).
#include <string.h>

#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kMaxPadRank = 5;

struct PadData {
  int32_t default_value;
};

// Zero point and scale of a tensor, or zeros when it has no quantization.
Status OptionalQuant(OpContext& ctx, const TensorRef& ref, TensorType type, const char* what,
                     QuantParams* q) {
  q->scale = 0.0f;
  q->zero_point = 0;
  if (ref.quantization().scale.empty() && ref.quantization().zero_point.empty()) return Status::kOk;
  return GetPerTensorQuant(ctx, ref, type, what, q);
}

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

template <typename T>
void Fill(T* p, int32_t n, T v) {
  for (int32_t i = 0; i < n; ++i) p[i] = v;
}

template <typename T>
void PadImpl(const Tensor& in, const int32_t* pads, T value, const Tensor& out) {
  int32_t in_dims[kMaxPadRank], out_dims[kMaxPadRank], before[kMaxPadRank], after[kMaxPadRank];
  const int lead = kMaxPadRank - in.rank;
  for (int i = 0; i < kMaxPadRank; ++i) {
    const bool real = i >= lead;
    in_dims[i] = real ? in.dims[i - lead] : 1;
    out_dims[i] = real ? out.dims[i - lead] : 1;
    before[i] = real ? pads[2 * (i - lead)] : 0;
    after[i] = real ? pads[2 * (i - lead) + 1] : 0;
  }
  const T* src = in.data_as<const T>();
  T* dst = out.data_as<T>();
  const int32_t row = out_dims[4];
  const auto inside = [&](int d, int32_t i) {
    return i >= before[d] && i < out_dims[d] - after[d];
  };
  for (int32_t i0 = 0; i0 < out_dims[0]; ++i0) {
    for (int32_t i1 = 0; i1 < out_dims[1]; ++i1) {
      for (int32_t i2 = 0; i2 < out_dims[2]; ++i2) {
        for (int32_t i3 = 0; i3 < out_dims[3]; ++i3, dst += row) {
          if (!(inside(0, i0) && inside(1, i1) && inside(2, i2) && inside(3, i3))) {
            Fill(dst, row, value);
            continue;
          }
          Fill(dst, before[4], value);
          if (in_dims[4] > 0) {
            memcpy(dst + before[4], src, static_cast<size_t>(in_dims[4]) * sizeof(T));
            src += in_dims[4];
          }
          Fill(dst + before[4] + in_dims[4], after[4], value);
        }
      }
    }
  }
}

template <typename T>
void PadTyped(OpContext& ctx, T default_value) {
  const Tensor* value = ctx.input(2);
  const T fill = value != nullptr ? *value->data_as<const T>() : default_value;
  PadImpl<T>(*ctx.input(0), ctx.input(1)->data_as<const int32_t>(), fill, *ctx.output(0));
}

Status PadEval(OpContext& ctx) {
  const PadData& d = *ctx.op_data_as<PadData>();
  switch (ctx.input(0)->type) {
    case TensorType::kFLOAT32:
      PadTyped<float>(ctx, 0.0f);
      break;
    case TensorType::kINT8:
      PadTyped<int8_t>(ctx, static_cast<int8_t>(d.default_value));
      break;
    case TensorType::kINT16:
      PadTyped<int16_t>(ctx, 0);
      break;
    default:
      PadTyped<int32_t>(ctx, 0);
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterPad = {static_cast<int32_t>(BuiltinOp::kPAD),
                                         nullptr,
                                         4,
                                         PadPrepare,
                                         PadEval,
                                         nullptr,
                                         "float32 int8 int16 int32"};
const KernelRegistration kRegisterPadV2 = {static_cast<int32_t>(BuiltinOp::kPADV2),
                                           nullptr,
                                           4,
                                           PadPrepare,
                                           PadEval,
                                           nullptr,
                                           "float32 int8 int16 int32"};

}  // namespace microml
