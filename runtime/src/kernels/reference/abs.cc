// ABS: float32; int8 and int16 requantized from the input to the output scale
// (int16 symmetric); int16 without quantization parameters as plain integers.
#include <cmath>
#include <limits>

#include "kernels/quantization.h"
#include "kernels/reference/unary.h"
#include "microml/kernels.h"

namespace microml {

namespace {

struct AbsData {
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t multiplier;
  int32_t shift;
  bool quantized;
  bool rescale;  // the scales differ
};

Status AbsPrepare(OpContext& ctx) {
  Tensor *in, *out;
  MICROML_RETURN_IF_ERROR(PrepareUnaryShapes(ctx, &in, &out));
  const TensorType t = in->type;
  if (out->type != t ||
      !(t == TensorType::kFLOAT32 || t == TensorType::kINT8 || t == TensorType::kINT16)) {
    return ctx.FailUnsupportedTypes();
  }
  AbsData* d = ctx.AllocatePersistent<AbsData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  d->quantized =
      t == TensorType::kINT8 || (t == TensorType::kINT16 && HasQuantization(ctx.input_ref(0)));
  if (!d->quantized) return Status::kOk;
  QuantParams qi, qo;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), t, "input", &qi));
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.output_ref(0), t, "output", &qo));
  if (t == TensorType::kINT16 && (qi.zero_point != 0 || qo.zero_point != 0)) {
    return ctx.Fail(Status::kUnsupported, "int16 needs zero points 0, has %d (input), %d (output)",
                    static_cast<int>(qi.zero_point), static_cast<int>(qo.zero_point));
  }
  d->input_zero_point = qi.zero_point;
  d->output_zero_point = qo.zero_point;
  d->rescale = qi.scale != qo.scale;
  if (d->rescale) {
    int shift = 0;
    QuantizeMultiplier(static_cast<double>(qi.scale) / static_cast<double>(qo.scale),
                       &d->multiplier, &shift);
    if (shift > 31) {
      return ctx.Fail(Status::kUnsupported, "input/output scale ratio 2^%d is too large", shift);
    }
    d->shift = shift;
  }
  return Status::kOk;
}

template <typename T>
void AbsQuantized(const AbsData& d, const T* x, T* y, uint32_t n) {
  const int32_t lo = std::numeric_limits<T>::min();
  const int32_t hi = std::numeric_limits<T>::max();
  for (uint32_t i = 0; i < n; ++i) {
    const int32_t centred = static_cast<int32_t>(x[i]) - d.input_zero_point;
    const int32_t magnitude = centred < 0 ? -centred : centred;
    const int32_t scaled =
        d.rescale ? MultiplyByQuantizedMultiplier(magnitude, d.multiplier, d.shift) : magnitude;
    y[i] = Clamp<T>(scaled + d.output_zero_point, lo, hi);
  }
}

Status AbsEval(OpContext& ctx) {
  const AbsData& d = *ctx.op_data_as<AbsData>();
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const uint32_t n = in.element_count();
  switch (in.type) {
    case TensorType::kFLOAT32: {
      const float* x = in.data_as<const float>();
      float* y = out.data_as<float>();
      for (uint32_t i = 0; i < n; ++i) y[i] = std::fabs(x[i]);
      break;
    }
    case TensorType::kINT8:
      AbsQuantized(d, in.data_as<const int8_t>(), out.data_as<int8_t>(), n);
      break;
    default:
      if (d.quantized) {
        AbsQuantized(d, in.data_as<const int16_t>(), out.data_as<int16_t>(), n);
      } else {
        // |-32768| wraps back to -32768, as in TFLM.
        const int16_t* x = in.data_as<const int16_t>();
        int16_t* y = out.data_as<int16_t>();
        for (uint32_t i = 0; i < n; ++i) {
          y[i] = static_cast<int16_t>(static_cast<uint16_t>(x[i] < 0 ? -x[i] : x[i]));
        }
      }
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterAbs = {static_cast<int32_t>(BuiltinOp::kABS),
                                         nullptr,
                                         5,
                                         AbsPrepare,
                                         AbsEval,
                                         nullptr,
                                         "float32 int8 int16"};

}  // namespace microml
