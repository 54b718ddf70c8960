// DIV: float32, int32 and per-tensor quantized int8, with numpy broadcasting
// up to 8 dimensions (TFLM's reference kernel; it has no int16 path).
//
// The int8 path follows TFLM step by step: a fixed-point reciprocal of the
// divisor, a headroom shift of the dividend, then one rescale whose right
// shift can exceed 31 bits (small dividends, large divisors). TFLM's shifts
// are then out of range and its x86 build, our oracle, takes the shift count
// modulo the register width; we reproduce that without undefined behaviour.
// A zero divisor gives whatever TFLM's arithmetic gives (no special case), and
// int32 division by zero, which crashes TFLM, yields 0 here.
#include "kernels/fixed_point.h"
#include "kernels/reference/arithmetic.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kActivationField = 0;

// Every int8 dividend has at least this many redundant sign bits.
constexpr int kMinInt8Headroom = 23;

Status DivPrepare(OpContext& ctx) {
  ArithData* data = ctx.AllocatePersistent<ArithData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *a, *b, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &a));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &b));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType type = out->type;
  if (a->type != type || b->type != type ||
      !(type == TensorType::kFLOAT32 || type == TensorType::kINT32 || type == TensorType::kINT8)) {
    return ctx.FailUnsupportedTypes();
  }
  MICROML_RETURN_IF_ERROR(CheckBroadcastShapes(ctx, *a, *b, *out));
  data->broadcast = !SameShape(*a, *b);
  const Activation act = static_cast<Activation>(
      OptionsAs(ctx, OptionsType::kDivOptions).GetInt8(kActivationField, 0));
  if (type == TensorType::kFLOAT32) {
    FloatActivationRange(act, &data->f_min, &data->f_max);
    return Status::kOk;
  }
  if (type == TensorType::kINT32) {
    if (ctx.input_ref(0).quantization().scale.size() > 0 ||
        ctx.input_ref(1).quantization().scale.size() > 0) {
      return ctx.Fail(Status::kUnsupported, "int32 inputs must not be quantized");
    }
    Int32ActivationRange(act, &data->act_min, &data->act_max);
    return Status::kOk;
  }
  QuantParams qa, qb, qo;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), type, "input 0", &qa));
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(1), type, "input 1", &qb));
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.output_ref(0), type, "output", &qo));
  data->offset_a = -qa.zero_point;
  data->offset_b = -qb.zero_point;
  data->offset_out = qo.zero_point;
  // TFLM forms this factor in float before widening it.
  const float real = qa.scale / (qb.scale * qo.scale);
  int shift = 0;
  QuantizeMultiplier(static_cast<double>(real), &data->mult_out, &shift);
  // Keeps the final rescale a right shift for every dividend and divisor.
  if (shift > kMinInt8Headroom - 1) {
    return ctx.Fail(Status::kUnsupported, "rescale factor 2^%d too large: output scale too small",
                    shift);
  }
  data->shift_out = static_cast<int8_t>(shift);
  if (!QuantizedActivationRangeChecked(act, qo.scale, qo.zero_point, -128, 127, &data->act_min,
                                       &data->act_max)) {
    return ctx.Fail(Status::kUnsupported, "activation bounds do not fit the output quantization");
  }
  return Status::kOk;
}

int CountLeadingSignBits(int32_t x) {
  return x == 0 ? 31 : __builtin_clrsb(x);
}

// TFLM's GetReciprocal(x, 31, ...): 1/x as a Q0 value and a power of two.
int32_t Reciprocal(int32_t x, int* bits_over_unit) {
  const int headroom_plus_one = fx::CountLeadingZeros(static_cast<uint32_t>(x));
  *bits_over_unit = 31 - headroom_plus_one;
  const uint32_t shifted =
      headroom_plus_one >= 32 ? 0u : static_cast<uint32_t>(x) << headroom_plus_one;
  return fx::OneOverOnePlusX(static_cast<int32_t>(shifted - (1u << 31)));
}

// RoundingDivideByPOT for exponents 0..69 as TFLM's x86 build computes it:
// the 64-bit mask shift counts modulo 64, the 32-bit value shift modulo 32.
int32_t WideRoundingDivideByPOT(int32_t x, int exponent) {
  const uint64_t wide_mask = (static_cast<uint64_t>(1) << (exponent & 63)) - 1;
  const int32_t mask = static_cast<int32_t>(static_cast<uint32_t>(wide_mask));
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return WrapAdd(x >> (exponent & 31), remainder > threshold ? 1 : 0);
}

int8_t DivInt8(const ArithData& d, int8_t x, int8_t y) {
  int32_t dividend = d.offset_a + x;
  int32_t divisor = d.offset_b + y;
  if (divisor < 0) {
    dividend = -dividend;
    divisor = -divisor;
  }
  int recip_shift = 0;
  const int32_t inverse = Reciprocal(divisor, &recip_shift);
  const int headroom = CountLeadingSignBits(dividend);
  const int32_t quotient = MultiplyByQuantizedMultiplierGreaterThanOne(dividend, inverse, headroom);
  const int total_shift = d.shift_out - recip_shift - headroom;
  const int32_t v =
      WrapAdd(WideRoundingDivideByPOT(SaturatingRoundingDoublingHighMul(quotient, d.mult_out),
                                      -total_shift),
              d.offset_out);
  return static_cast<int8_t>(ClampMinMax(v, d.act_min, d.act_max));
}

int32_t DivInt32(int32_t x, int32_t y) {
  if (y == 0) return 0;
  if (y == -1) return WrapSub(0, x);
  return x / y;
}

Status DivEval(OpContext& ctx) {
  const ArithData& d = *ctx.op_data_as<ArithData>();
  const Tensor& a = *ctx.input(0);
  const Tensor& b = *ctx.input(1);
  const Tensor& out = *ctx.output(0);
  switch (out.type) {
    case TensorType::kFLOAT32:
      ElementwiseBinary<float, float>(
          d, a, b, out, [&d](float x, float y) { return ClampMinMax(x / y, d.f_min, d.f_max); });
      break;
    case TensorType::kINT32:
      ElementwiseBinary<int32_t, int32_t>(d, a, b, out, [&d](int32_t x, int32_t y) {
        return ClampMinMax(DivInt32(x, y), d.act_min, d.act_max);
      });
      break;
    default:
      ElementwiseBinary<int8_t, int8_t>(d, a, b, out,
                                        [&d](int8_t x, int8_t y) { return DivInt8(d, x, y); });
      break;
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterDiv = {static_cast<int32_t>(BuiltinOp::kDIV),
                                         nullptr,
                                         2,
                                         DivPrepare,
                                         DivEval,
                                         nullptr,
                                         "float32 int32 int8"};

}  // namespace microml
