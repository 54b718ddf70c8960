// What the int8 differential suites draw alike: input zero points at the
// extremes and at random, output offsets, narrowed clamps, per-channel and
// per-tensor scales with left and right shifts, all-(-128) data, biases that
// make the int32 sums wrap, and the window geometry of the convolutions. The
// templates take any params struct with those fields.
#ifndef MICROML_CORTEX_M_KERNEL_DIFF_RANDOM_H_
#define MICROML_CORTEX_M_KERNEL_DIFF_RANDOM_H_

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernel_diff.h"
#include "kernels/padding.h"
#include "kernels/quantization.h"

namespace microml_cortex_m {

// Input offset, output offset and clamp of an int8 operator.
template <class Params>
void RandomInt8Output(Rng& rng, Params* d) {
  const int32_t zero_points[] = {-128, 127, 0};
  const int32_t pick = rng.Uniform(0, 5);
  d->input_offset = -(pick < 3 ? zero_points[pick] : rng.Uniform(-128, 127));
  d->output_offset = rng.Uniform(-128, 127);
  d->act_min = rng.Uniform(0, 3) == 0 ? rng.Uniform(-128, 0) : -128;
  d->act_max = rng.Uniform(0, 3) == 0 ? rng.Uniform(0, 127) : 127;
}

// Per-channel (`channels` of them) or per-tensor scales into the caller's
// arrays, effective scales from 2^-32 to 2^7; whether they are per channel.
template <class Params>
bool RandomScales(Rng& rng, int32_t channels, int32_t* multiplier, int8_t* shift, Params* d) {
  const bool per_channel = rng.Uniform(0, 1) == 0;
  const int32_t scales = per_channel ? channels : 1;
  for (int32_t i = 0; i < scales; ++i) {
    const double scale =
        ldexp(0.5 + static_cast<double>(rng.Next() % 1000000) / 2000000.0, rng.Uniform(-31, 7));
    int s = 0;
    microml::QuantizeMultiplier(scale, &multiplier[i], &s);
    shift[i] = static_cast<int8_t>(s);
  }
  d->scales.multiplier = multiplier;
  d->scales.shift = shift;
  d->scales.step = per_channel ? 1 : 0;
  return per_channel;
}

// Input and weights: random, or (one case in eight) every byte -128.
inline void RandomInt8Data(Rng& rng, int8_t* input, int32_t n_input, int8_t* filter,
                           int32_t n_filter) {
  const bool extreme = rng.Uniform(0, 7) == 0;
  for (int32_t i = 0; i < n_input; ++i) {
    input[i] = extreme ? -128 : static_cast<int8_t>(rng.Uniform(-128, 127));
  }
  for (int32_t i = 0; i < n_filter; ++i) {
    filter[i] = extreme ? -128 : static_cast<int8_t>(rng.Uniform(-128, 127));
  }
}

// n biases in `bias`, some large enough to wrap the sums; `bias` or, one case
// in four, nullptr (no bias).
inline const int32_t* RandomBias(Rng& rng, int32_t* bias, int32_t n) {
  const bool has_bias = rng.Uniform(0, 3) != 0;
  const bool wrap = rng.Uniform(0, 3) == 0;
  for (int32_t i = 0; i < n; ++i) {
    bias[i] = wrap ? static_cast<int32_t>(rng.Next()) : rng.Uniform(-20000, 20000);
  }
  return has_bias ? bias : nullptr;
}

// Strides 1-3, dilations 1 or 2..max_dilation, SAME or VALID padding (SAME
// when VALID leaves no output), and the output size and padding they give.
// s's input and filter sizes are set.
template <class Params, class Shape>
void RandomWindow(Rng& rng, int32_t max_dilation, Params* d, Shape* s) {
  using microml::Padding;
  using microml::WindowOutputSize;
  d->stride_h = rng.Uniform(1, 3);
  d->stride_w = rng.Uniform(1, 3);
  d->dilation_h = rng.Uniform(0, 3) == 0 ? rng.Uniform(2, max_dilation) : 1;
  d->dilation_w = rng.Uniform(0, 3) == 0 ? rng.Uniform(2, max_dilation) : 1;
  Padding padding = rng.Uniform(0, 1) == 0 ? Padding::kSame : Padding::kValid;
  if (WindowOutputSize(Padding::kValid, s->in_h, s->f_h, d->stride_h, d->dilation_h) < 1 ||
      WindowOutputSize(Padding::kValid, s->in_w, s->f_w, d->stride_w, d->dilation_w) < 1) {
    padding = Padding::kSame;
  }
  s->out_h = WindowOutputSize(padding, s->in_h, s->f_h, d->stride_h, d->dilation_h);
  s->out_w = WindowOutputSize(padding, s->in_w, s->f_w, d->stride_w, d->dilation_w);
  int32_t extra = 0;
  d->pad_h = microml::WindowPadding(d->stride_h, d->dilation_h, s->in_h, s->f_h, s->out_h, &extra);
  d->pad_w = microml::WindowPadding(d->stride_w, d->dilation_w, s->in_w, s->f_w, s->out_w, &extra);
}

// Runs `optimized` into `got` (first filled with a byte it must overwrite, so
// a byte it fails to write shows) and counts the n bytes unlike `expected`.
template <class Compute>
int32_t Mismatches(const int8_t* expected, int8_t* got, int32_t n, Compute optimized) {
  memset(got, 0x55, static_cast<size_t>(n));
  optimized();
  int32_t bad = 0;
  for (int32_t i = 0; i < n; ++i) bad += expected[i] != got[i];
  return bad;
}

}  // namespace microml_cortex_m

#endif  // MICROML_CORTEX_M_KERNEL_DIFF_RANDOM_H_
