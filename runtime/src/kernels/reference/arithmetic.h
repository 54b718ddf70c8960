// Parameters, prepare and loops shared by the ADD, SUB and MUL kernels (ADD
// and SUB differ only in the sign of the second operand and in the int32
// activation).
#ifndef MICROML_KERNELS_REFERENCE_ARITHMETIC_H_
#define MICROML_KERNELS_REFERENCE_ARITHMETIC_H_

#include <stdint.h>

#include <cmath>

#include "kernels/activation.h"
#include "kernels/quantization.h"
#include "kernels/reference/broadcast.h"
#include "kernels/reference/op_checks.h"
#include "microml/kernel.h"

namespace microml {

struct ArithData {
  int32_t offset_a;    // -(input 0 zero point)
  int32_t offset_b;    // -(input 1 zero point)
  int32_t offset_out;  // output zero point
  int32_t mult_a;
  int32_t mult_b;
  int32_t mult_out;
  int8_t shift_a;
  int8_t shift_b;
  int8_t shift_out;
  int8_t left_shift;
  bool broadcast;
  int32_t act_min;  // quantized or int32 clamp range
  int32_t act_max;
  float f_min;
  float f_max;
};

template <typename T>
inline T ClampMinMax(T v, T lo, T hi) {
  // TFLM's min(max(v, lo), hi): NaN passes through; if lo > hi, hi wins.
  const T m = v < lo ? lo : v;
  return hi < m ? hi : m;
}

// QuantizeMultiplierSmallerThanOneExp of TFLM, which aborts where we refuse.
inline Status SmallerThanOneMultiplier(OpContext& ctx, double real, const char* what,
                                       int32_t* multiplier, int8_t* shift) {
  int exponent = 0;
  if (!(real > 0.0 && real < 1.0)) {
    return ctx.Fail(Status::kUnsupported,
                    "%s rescale factor is not below 1 (about 2^%d): output scale too small", what,
                    std::ilogb(real));
  }
  QuantizeMultiplier(real, multiplier, &exponent);
  if (exponent > 0 || exponent < -31) {
    return ctx.Fail(Status::kUnsupported, "%s rescale exponent %d outside [-31, 0]", what,
                    exponent);
  }
  *shift = static_cast<int8_t>(exponent);
  return Status::kOk;
}

// Types, shapes and the quantization every ADD/SUB variant needs. Leaves the
// per-tensor parameters in qa/qb/qo for int8 and int16.
inline Status PrepareArithCommon(OpContext& ctx, ArithData* data, QuantParams* qa, QuantParams* qb,
                                 QuantParams* qo) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *a, *b, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &a));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &b));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  const TensorType type = out->type;
  if (a->type != type || b->type != type ||
      !(type == TensorType::kFLOAT32 || type == TensorType::kINT32 || type == TensorType::kINT8 ||
        type == TensorType::kINT16)) {
    return ctx.FailUnsupportedTypes();
  }
  MICROML_RETURN_IF_ERROR(CheckBroadcastShapes(ctx, *a, *b, *out));
  data->broadcast = !SameShape(*a, *b);
  if (type == TensorType::kINT8 || type == TensorType::kINT16) {
    MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), type, "input 0", qa));
    MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(1), type, "input 1", qb));
    MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.output_ref(0), type, "output", qo));
    data->offset_a = -qa->zero_point;
    data->offset_b = -qb->zero_point;
    data->offset_out = qo->zero_point;
    // Headroom so that the sum of two rescaled inputs still fits 32 bits.
    data->left_shift = type == TensorType::kINT16 ? 15 : 20;
  }
  return Status::kOk;
}

// What the opening of ADD's, SUB's and MUL's prepare leaves for the rest.
struct ArithSetup {
  ArithData* data;
  Activation act;
  TensorType type;
  QuantParams qa, qb, qo;  // int8 and int16
};

// The opening of ADD's, SUB's and MUL's prepare: their ArithData allocated as
// persistent op data, PrepareArithCommon, and the fused activation, read from
// the options table of type `options`, applied to float32 and, when
// `int32_activation`, to int32 (TFLM's ADD ignores it there).
inline Status PrepareArithActivation(OpContext& ctx, OptionsType options, bool int32_activation,
                                     ArithSetup* s) {
  constexpr int kActivationField = 0;
  ArithData* d = ctx.AllocatePersistent<ArithData>();
  if (d == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(d);
  s->data = d;
  MICROML_RETURN_IF_ERROR(PrepareArithCommon(ctx, d, &s->qa, &s->qb, &s->qo));
  s->act = static_cast<Activation>(OptionsAs(ctx, options).GetInt8(kActivationField, 0));
  s->type = ctx.output(0)->type;
  if (s->type == TensorType::kFLOAT32) {
    FloatActivationRange(s->act, &d->f_min, &d->f_max);
  } else if (s->type == TensorType::kINT32 && int32_activation) {
    Int32ActivationRange(s->act, &d->act_min, &d->act_max);
  }
  return Status::kOk;
}

// Rescale factors and clamp range of the quantized path. TFLM computes the
// factors in double; the inputs are brought to twice the larger input scale.
inline Status FinishArithQuant(OpContext& ctx, const ArithSetup& s) {
  const QuantParams &qa = s.qa, &qb = s.qb, &qo = s.qo;
  ArithData* data = s.data;
  const double twice_max = 2.0 * static_cast<double>(qa.scale > qb.scale ? qa.scale : qb.scale);
  const double real_a = static_cast<double>(qa.scale) / twice_max;
  const double real_b = static_cast<double>(qb.scale) / twice_max;
  const double real_out =
      twice_max / (static_cast<double>(1 << data->left_shift) * static_cast<double>(qo.scale));
  MICROML_RETURN_IF_ERROR(
      SmallerThanOneMultiplier(ctx, real_a, "input 0", &data->mult_a, &data->shift_a));
  MICROML_RETURN_IF_ERROR(
      SmallerThanOneMultiplier(ctx, real_b, "input 1", &data->mult_b, &data->shift_b));
  MICROML_RETURN_IF_ERROR(
      SmallerThanOneMultiplier(ctx, real_out, "output", &data->mult_out, &data->shift_out));
  const int32_t qmin = s.type == TensorType::kINT8 ? -128 : -32768;
  const int32_t qmax = s.type == TensorType::kINT8 ? 127 : 32767;
  QuantizedActivationRange(s.act, qo.scale, qo.zero_point, qmin, qmax, &data->act_min,
                           &data->act_max);
  return Status::kOk;
}

template <typename T, bool kSubtract>
inline T ArithQuantized(const ArithData& d, T x, T y) {
  const int32_t sa = (d.offset_a + x) * (1 << d.left_shift);
  const int32_t sb = (d.offset_b + y) * (1 << d.left_shift);
  const int32_t ra = MultiplyByQuantizedMultiplierSmallerThanOneExp(sa, d.mult_a, d.shift_a);
  const int32_t rb = MultiplyByQuantizedMultiplierSmallerThanOneExp(sb, d.mult_b, d.shift_b);
  const int32_t raw = kSubtract ? ra - rb : ra + rb;
  const int32_t v =
      MultiplyByQuantizedMultiplierSmallerThanOneExp(raw, d.mult_out, d.shift_out) + d.offset_out;
  return static_cast<T>(ClampMinMax(v, d.act_min, d.act_max));
}

// A compute of ADD, SUB or MUL for one type, reference or optimized.
using ArithCompute = void (*)(const ArithData& d, const Tensor& a, const Tensor& b,
                              const Tensor& out);

// The eval of ADD, SUB and MUL: the compute for the output type.
template <ArithCompute kFloat, ArithCompute kInt32, ArithCompute kInt8, ArithCompute kInt16>
Status EvalArith(OpContext& ctx) {
  const ArithData& d = *ctx.op_data_as<ArithData>();
  const Tensor& a = *ctx.input(0);
  const Tensor& b = *ctx.input(1);
  const Tensor& out = *ctx.output(0);
  switch (out.type) {
    case TensorType::kFLOAT32:
      kFloat(d, a, b, out);
      break;
    case TensorType::kINT32:
      kInt32(d, a, b, out);
      break;
    case TensorType::kINT8:
      kInt8(d, a, b, out);
      break;
    default:
      kInt16(d, a, b, out);
      break;
  }
  return Status::kOk;
}

// Runs `f` elementwise, broadcasting when the input shapes differ.
template <typename In, typename Out, typename F>
inline void ElementwiseBinary(const ArithData& d, const Tensor& a, const Tensor& b,
                              const Tensor& out, F f) {
  const In* pa = a.data_as<const In>();
  const In* pb = b.data_as<const In>();
  Out* po = out.data_as<Out>();
  if (!d.broadcast) {
    const uint32_t n = out.element_count();
    for (uint32_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[i]);
    return;
  }
  BroadcastPlan plan;
  MakeBroadcastPlan(a, b, out, &plan);
  BroadcastApply(plan, pa, pb, po, f);
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_ARITHMETIC_H_
