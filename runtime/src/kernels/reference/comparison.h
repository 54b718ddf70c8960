// Prepare and eval shared by EQUAL, NOT_EQUAL, GREATER, GREATER_EQUAL, LESS and
// LESS_EQUAL: two inputs of one type, a bool output, numpy broadcasting up to
// 8 dimensions. Each operator passes the set of input types TFLM runs for it.
//
// Quantized int8 inputs may have different scales and zero points. As in
// TFLM, both are brought to a common fixed-point form before comparing:
// offset, shifted left by 8 bits and multiplied by their own scale (which must
// be below 1) as a Q31 multiplier.
#ifndef MICROML_KERNELS_REFERENCE_COMPARISON_H_
#define MICROML_KERNELS_REFERENCE_COMPARISON_H_

#include <stdint.h>

#include "kernels/quantization.h"
#include "kernels/reference/arithmetic.h"
#include "kernels/reference/broadcast.h"
#include "kernels/reference/op_checks.h"
#include "microml/kernel.h"

namespace microml {

enum class Comparison { kEqual, kNotEqual, kGreater, kGreaterEqual, kLess, kLessEqual };

constexpr uint32_t TypeBit(TensorType t) {
  return 1u << static_cast<uint32_t>(t);
}

struct ComparisonData {
  int32_t offset_a;  // -(input 0 zero point)
  int32_t offset_b;  // -(input 1 zero point)
  int32_t mult_a;
  int32_t mult_b;
  int8_t shift_a;
  int8_t shift_b;
};

constexpr int kComparisonLeftShift = 8;

// kAllowedTypes: TypeBit() of every input type the operator accepts.
template <uint32_t kAllowedTypes>
Status PrepareComparison(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(ExpectCounts(ctx, 2, 2, 1));
  Tensor *a, *b, *out;
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 0, &a));
  MICROML_RETURN_IF_ERROR(RequireInput(ctx, 1, &b));
  MICROML_RETURN_IF_ERROR(RequireOutput(ctx, 0, &out));
  if (a->type != b->type || out->type != TensorType::kBOOL ||
      (TypeBit(a->type) & kAllowedTypes) == 0) {
    return ctx.FailUnsupportedTypes();
  }
  MICROML_RETURN_IF_ERROR(CheckBroadcastShapes(ctx, *a, *b, *out));
  if (a->type != TensorType::kINT8) return Status::kOk;
  ComparisonData* data = ctx.AllocatePersistent<ComparisonData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ctx.set_op_data(data);
  QuantParams qa, qb;
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(0), a->type, "input 0", &qa));
  MICROML_RETURN_IF_ERROR(GetPerTensorQuant(ctx, ctx.input_ref(1), a->type, "input 1", &qb));
  data->offset_a = -qa.zero_point;
  data->offset_b = -qb.zero_point;
  MICROML_RETURN_IF_ERROR(SmallerThanOneMultiplier(ctx, static_cast<double>(qa.scale), "input 0",
                                                   &data->mult_a, &data->shift_a));
  return SmallerThanOneMultiplier(ctx, static_cast<double>(qb.scale), "input 1", &data->mult_b,
                                  &data->shift_b);
}

template <Comparison kOp, typename T>
bool Compare(T x, T y) {
  switch (kOp) {
    case Comparison::kEqual:
      return x == y;
    case Comparison::kNotEqual:
      return x != y;
    case Comparison::kGreater:
      return x > y;
    case Comparison::kGreaterEqual:
      return x >= y;
    case Comparison::kLess:
      return x < y;
    default:
      return x <= y;
  }
}

inline int32_t ComparisonRescale(int32_t offset, int32_t multiplier, int shift, int32_t value) {
  return MultiplyByQuantizedMultiplierSmallerThanOneExp(
      (offset + value) * (1 << kComparisonLeftShift), multiplier, shift);
}

template <Comparison kOp>
void CompareInt8(const ComparisonData& d, const Tensor& a, const Tensor& b, const Tensor& out) {
  BroadcastBinary<int8_t, bool>(a, b, out, [&d](int8_t x, int8_t y) {
    return Compare<kOp, int32_t>(ComparisonRescale(d.offset_a, d.mult_a, d.shift_a, x),
                                 ComparisonRescale(d.offset_b, d.mult_b, d.shift_b, y));
  });
}

template <Comparison kOp>
Status EvalComparison(OpContext& ctx) {
  const Tensor& a = *ctx.input(0);
  const Tensor& b = *ctx.input(1);
  const Tensor& out = *ctx.output(0);
  switch (a.type) {
    case TensorType::kFLOAT32:
      BroadcastBinary<float, bool>(a, b, out, Compare<kOp, float>);
      break;
    case TensorType::kINT32:
      BroadcastBinary<int32_t, bool>(a, b, out, Compare<kOp, int32_t>);
      break;
    case TensorType::kINT64:
      BroadcastBinary<int64_t, bool>(a, b, out, Compare<kOp, int64_t>);
      break;
    case TensorType::kBOOL:
      // Bytes are compared as truth values, so malformed bools stay 0 or 1.
      BroadcastBinary<uint8_t, bool>(
          a, b, out, [](uint8_t x, uint8_t y) { return Compare<kOp, bool>(x != 0, y != 0); });
      break;
    default:
      CompareInt8<kOp>(*ctx.op_data_as<ComparisonData>(), a, b, out);
      break;
  }
  return Status::kOk;
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_COMPARISON_H_
