// The per-element steps the conv family's reference computes share: one
// multiply-accumulate and turning a finished sum into an output value, both
// as TFLM's reference kernels do them, for float and for each quantized
// accumulator.
#ifndef MICROML_KERNELS_REFERENCE_CONV_COMPUTE_H_
#define MICROML_KERNELS_REFERENCE_CONV_COMPUTE_H_

#include <stdint.h>

#include "kernels/activation.h"
#include "kernels/conv_common.h"
#include "kernels/quantization.h"

namespace microml {
namespace conv {

// Float sums ignore the input offset.
inline float Accumulate(float acc, float x, float w, int32_t) {
  return acc + x * w;
}
inline int32_t Accumulate(int32_t acc, int32_t x, int32_t w, int32_t input_offset) {
  return WrappingAdd(acc, w * (x + input_offset));
}
inline int64_t Accumulate(int64_t acc, int32_t x, int32_t w, int32_t input_offset) {
  return WrappingAdd(acc, static_cast<int64_t>(w) * (x + input_offset));
}

// Adds the channel's bias (when there is one), requantizes and clamps.
template <typename Out, typename Acc, typename Bias>
inline Out OutputValue(const QuantParams& d, Acc acc, const Bias* bias, int32_t channel) {
  if (bias != nullptr) acc = WrappingAdd(acc, static_cast<Acc>(bias[channel]));
  const int32_t k = channel * d.scales.step;
  const int32_t scaled =
      MultiplyByQuantizedMultiplier(acc, d.scales.multiplier[k], d.scales.shift[k]);
  return Clamp<Out>(WrappingAdd(scaled, d.output_offset), d.act_min, d.act_max);
}

// TFLM adds a zero bias too, which turns a sum of -0 into +0.
template <>
inline float OutputValue<float, float, float>(const QuantParams& d, float acc, const float* bias,
                                              int32_t channel) {
  const float bias_value = bias != nullptr ? bias[channel] : 0.0f;
  return ClampFloat(acc + bias_value, d.float_min, d.float_max);
}

}  // namespace conv
}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_CONV_COMPUTE_H_
