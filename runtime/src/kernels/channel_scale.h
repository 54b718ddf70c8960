// A whole operator's per-channel requantization, as QuantizeChannelScale
// gives it channel by channel: what recomputed scales (the default plan) run
// before each eval. The input's and output's halves are split once.
#ifndef MICROML_KERNELS_CHANNEL_SCALE_H_
#define MICROML_KERNELS_CHANNEL_SCALE_H_

#include <stdint.h>

#include "microml/model.h"

namespace microml {

void QuantizeChannelScales(float input_scale, const VectorRef<float>& filter_scales,
                           float output_scale, int32_t* multiplier, int8_t* shift);

// The integer version QuantizeChannelScales runs without double-precision
// hardware, on every core (for tests).
void QuantizeChannelScalesInIntegers(float input_scale, const VectorRef<float>& filter_scales,
                                     float output_scale, int32_t* multiplier, int8_t* shift);

}  // namespace microml

#endif  // MICROML_KERNELS_CHANNEL_SCALE_H_
