// TFLM's int8 sum of several values on one input scale (ADD_N, CUMSUM): every
// input is offset, shifted left by 20 bits and halved, the results summed in
// int32 (wrapping), and the sum rescaled to the output. Like TFLM, a sum
// starts from the rescaled negative zero point rather than from zero, an extra
// term kept for bit-exactness.
#ifndef MICROML_KERNELS_REFERENCE_INT8_SUM_H_
#define MICROML_KERNELS_REFERENCE_INT8_SUM_H_

#include <stdint.h>

#include "kernels/reference/arithmetic.h"

namespace microml {

struct Int8SumQuant {
  int32_t input_offset;
  int32_t output_offset;
  int32_t input_multiplier;
  int32_t output_multiplier;
  int8_t input_shift;
  int8_t output_shift;
};

constexpr int kInt8SumLeftShift = 20;

inline Status PrepareInt8Sum(OpContext& ctx, const QuantParams& qi, const QuantParams& qo,
                             Int8SumQuant* q) {
  q->input_offset = -qi.zero_point;
  q->output_offset = qo.zero_point;
  const double twice_input_scale = 2.0 * static_cast<double>(qi.scale);
  MICROML_RETURN_IF_ERROR(
      SmallerThanOneMultiplier(ctx, static_cast<double>(qi.scale) / twice_input_scale, "input",
                               &q->input_multiplier, &q->input_shift));
  return SmallerThanOneMultiplier(ctx,
                                  twice_input_scale / (static_cast<double>(1 << kInt8SumLeftShift) *
                                                       static_cast<double>(qo.scale)),
                                  "output", &q->output_multiplier, &q->output_shift);
}

// One input value as a term of the sum; Int8SumInput(q, 0) is the start.
inline int32_t Int8SumInput(const Int8SumQuant& q, int32_t value) {
  return MultiplyByQuantizedMultiplierSmallerThanOneExp(
      (q.input_offset + value) * (1 << kInt8SumLeftShift), q.input_multiplier, q.input_shift);
}

inline int8_t Int8SumOutput(const Int8SumQuant& q, int32_t sum) {
  const int32_t v = WrapAdd(
      MultiplyByQuantizedMultiplierSmallerThanOneExp(sum, q.output_multiplier, q.output_shift),
      q.output_offset);
  return static_cast<int8_t>(ClampMinMax(v, int32_t{-128}, int32_t{127}));
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_INT8_SUM_H_
