// QUANTIZE: float32 -> int8/uint8/int16 (affine), and requantization between
// integer types: int8 -> int8/uint8/int16/int32, uint8 -> int8,
// int16 -> int8/int16/int32, int32 -> int8/int16. Per-tensor parameters only.
#include <cmath>
#include <limits>

#include "kernels/quantization.h"
#include "kernels/reference/op_checks.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct QuantizeData {
  float output_scale;
  int32_t output_zero_point;
  int32_t input_zero_point;
  int32_t multiplier;
  int32_t shift;
};

bool SupportedPair(TensorType in, TensorType out) {
  switch (in) {
    case TensorType::kFLOAT32:
      return out == TensorType::kINT8 || out == TensorType::kUINT8 || out == TensorType::kINT16;
    case TensorType::kINT8:
      return out == TensorType::kINT8 || out == TensorType::kUINT8 || out == TensorType::kINT16 ||
             out == TensorType::kINT32;
    case TensorType::kUINT8:
      return out == TensorType::kINT8;
    case TensorType::kINT16:
      return out == TensorType::kINT8 || out == TensorType::kINT16 || out == TensorType::kINT32;
    case TensorType::kINT32:
      return out == TensorType::kINT8 || out == TensorType::kINT16;
    default:
      return false;
  }
}

Status QuantizePrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 1, 1, 1));
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &in));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (!SupportedPair(in->type, out->type)) return ctx.FailUnsupportedTypes();
  if (in->element_count() != out->element_count()) {
    return ctx.Fail(Status::kInvalidModel, "input has %u elements, output %u",
                    static_cast<unsigned>(in->element_count()),
                    static_cast<unsigned>(out->element_count()));
  }
  QuantizeData* d = ctx.AllocatePersistent<QuantizeData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  QuantParams qo;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.output_ref(0), out->type, "output", &qo));
  d->output_scale = qo.scale;
  d->output_zero_point = qo.zero_point;
  if (in->type == TensorType::kFLOAT32) return Status::kOk;

  QuantParams qi;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), in->type, "input", &qi));
  d->input_zero_point = qi.zero_point;
  int shift = 0;
  QuantizeMultiplier(static_cast<double>(qi.scale) / static_cast<double>(qo.scale), &d->multiplier,
                     &shift);
  if (shift > 30) {
    return ctx.Fail(Status::kUnsupported, "input/output scale ratio of about 2^%d is too large",
                    shift);
  }
  d->shift = shift;
  return Status::kOk;
}

template <typename Out>
Out Saturate(int32_t v) {
  const int32_t lo = std::numeric_limits<Out>::min();
  const int32_t hi = std::numeric_limits<Out>::max();
  return static_cast<Out>(v < lo ? lo : (v > hi ? hi : v));
}

// float -> int32 truncation with x86's result for NaN and out-of-range
// values (INT32_MIN), which is what TFLM's golden data was produced with.
inline int32_t TruncateToInt32(float r) {
  if (r >= -2147483648.0f && r < 2147483648.0f) return static_cast<int32_t>(r);
  return std::numeric_limits<int32_t>::min();
}

template <typename Out>
void AffineQuantize(const QuantizeData& d, const float* in, Out* out, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    const int32_t q = TruncateToInt32(std::round(in[i] / d.output_scale));
    out[i] = Saturate<Out>(WrapAdd(q, d.output_zero_point));
  }
}

template <typename In, typename Out>
void Requantize(const QuantizeData& d, const In* in, Out* out, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    const int32_t x = WrapSub(static_cast<int32_t>(in[i]), d.input_zero_point);
    out[i] = Saturate<Out>(
        WrapAdd(MultiplyByQuantizedMultiplier(x, d.multiplier, d.shift), d.output_zero_point));
  }
}

template <typename In>
void RequantizeFrom(const QuantizeData& d, const Tensor& in, const Tensor& out, uint32_t n) {
  const In* x = in.data_as<const In>();
  switch (out.type) {
    case TensorType::kINT8:
      Requantize(d, x, out.data_as<int8_t>(), n);
      break;
    case TensorType::kUINT8:
      Requantize(d, x, out.data_as<uint8_t>(), n);
      break;
    case TensorType::kINT16:
      Requantize(d, x, out.data_as<int16_t>(), n);
      break;
    default:
      Requantize(d, x, out.data_as<int32_t>(), n);
      break;
  }
}

Status QuantizeEval(OpContext& ctx) {
  const QuantizeData& d = *ctx.op_data_as<QuantizeData>();
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const uint32_t n = out.element_count();
  switch (in.type) {
    case TensorType::kFLOAT32:
      if (out.type == TensorType::kINT8) {
        AffineQuantize(d, in.data_as<const float>(), out.data_as<int8_t>(), n);
      } else if (out.type == TensorType::kUINT8) {
        AffineQuantize(d, in.data_as<const float>(), out.data_as<uint8_t>(), n);
      } else {
        AffineQuantize(d, in.data_as<const float>(), out.data_as<int16_t>(), n);
      }
      break;
    case TensorType::kINT8:
      RequantizeFrom<int8_t>(d, in, out, n);
      break;
    case TensorType::kUINT8:
      RequantizeFrom<uint8_t>(d, in, out, n);
      break;
    case TensorType::kINT16:
      RequantizeFrom<int16_t>(d, in, out, n);
      break;
    default:
      RequantizeFrom<int32_t>(d, in, out, n);
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterQuantize = {
    static_cast<int32_t>(BuiltinOp::kQUANTIZE),
    nullptr,
    3,
    QuantizePrepare,
    QuantizeEval,
    nullptr,
    "float32_to_int8 float32_to_int16 int8_to_int8 int8_to_uint8 int8_to_int16 int8_to_int32 "
    "uint8_to_int8 int16_to_int8 int16_to_int16 int16_to_int32 int32_to_int8 int32_to_int16",
    0b1};

}  // namespace microml
