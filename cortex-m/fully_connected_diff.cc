// Random int8 FULLY_CONNECTED cases for kernel_diff_test: one to four batches
// (the single-row and the two-row paths, odd rows), depths from 1 to 700
// (short rows, depth % 4 tails, rows longer than the single-row path widens at
// a time), unit counts across the column blocks and chunks, input zero points
// -128, 127, 0 and random, per-channel and per-tensor scales with left and
// right shifts, all-(-128) data, biases that make the int32 sums wrap,
// narrowed clamps.
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "console.h"
#include "kernel_diff.h"
#include "kernels/arm/fully_connected.h"
#include "kernels/prepare/fully_connected.h"
#include "kernels/quantization.h"

namespace microml_cortex_m {

namespace {

using microml::FullyConnectedParams;

constexpr int32_t kMaxBatches = 4;
constexpr int32_t kMaxDepth = 700;
constexpr int32_t kMaxUnits = 140;
constexpr int32_t kMaxWeights = 32768;

int8_t g_input[kMaxBatches * kMaxDepth];
int8_t g_filter[kMaxWeights];
int32_t g_bias[kMaxUnits];
int32_t g_multiplier[kMaxUnits];
int8_t g_shift[kMaxUnits];
int8_t g_expected[kMaxBatches * kMaxUnits];
int8_t g_got[kMaxBatches * kMaxUnits];

// Mostly short rows, some around the multiples of 256 and some long.
int32_t RandomDepth(Rng& rng) {
  switch (rng.Uniform(0, 3)) {
    case 0:
      return rng.Uniform(1, 12);
    case 1:
      return rng.Uniform(13, 160);
    case 2:
      return 256 * rng.Uniform(1, 2) + rng.Uniform(-5, 5);
    default:
      return rng.Uniform(161, kMaxDepth);
  }
}

}  // namespace

bool FullyConnectedDiffCase(Rng& rng, int index) {
  FullyConnectedParams d = {};
  d.kind = microml::FullyConnectedKind::kInt8;
  d.batches = rng.Uniform(0, 2) == 0 ? rng.Uniform(2, kMaxBatches) : 1;
  d.depth = RandomDepth(rng);
  const int32_t max_units = kMaxWeights / d.depth < kMaxUnits ? kMaxWeights / d.depth : kMaxUnits;
  d.units = rng.Uniform(0, 3) == 0 ? rng.Uniform(1, 9) : rng.Uniform(1, max_units);
  const int32_t zero_points[] = {-128, 127, 0};
  const int32_t pick = rng.Uniform(0, 5);
  d.input_offset = -(pick < 3 ? zero_points[pick] : rng.Uniform(-128, 127));
  d.output_offset = rng.Uniform(-128, 127);
  d.act_min = rng.Uniform(0, 3) == 0 ? rng.Uniform(-128, 0) : -128;
  d.act_max = rng.Uniform(0, 3) == 0 ? rng.Uniform(0, 127) : 127;
  const bool per_channel = rng.Uniform(0, 1) == 0;
  const int32_t scales = per_channel ? d.units : 1;
  for (int32_t i = 0; i < scales; ++i) {
    // Effective scales from 2^-32 to 2^7: right and left shifts.
    const double scale =
        ldexp(0.5 + static_cast<double>(rng.Next() % 1000000) / 2000000.0, rng.Uniform(-31, 7));
    int shift = 0;
    microml::QuantizeMultiplier(scale, &g_multiplier[i], &shift);
    g_shift[i] = static_cast<int8_t>(shift);
  }
  d.scales.multiplier = g_multiplier;
  d.scales.shift = g_shift;
  d.scales.step = per_channel ? 1 : 0;
  const int32_t n_input = d.batches * d.depth;
  const int32_t n_filter = d.units * d.depth;
  const bool extreme = rng.Uniform(0, 7) == 0;
  for (int32_t i = 0; i < n_input; ++i) {
    g_input[i] = extreme ? -128 : static_cast<int8_t>(rng.Uniform(-128, 127));
  }
  for (int32_t i = 0; i < n_filter; ++i) {
    g_filter[i] = extreme ? -128 : static_cast<int8_t>(rng.Uniform(-128, 127));
  }
  const bool has_bias = rng.Uniform(0, 3) != 0;
  const bool wrap = rng.Uniform(0, 3) == 0;
  for (int32_t i = 0; i < d.units; ++i) {
    g_bias[i] = wrap ? static_cast<int32_t>(rng.Next()) : rng.Uniform(-20000, 20000);
  }
  const int32_t n_output = d.batches * d.units;
  // A byte the optimized compute fails to write shows as a mismatch.
  memset(g_got, 0x55, static_cast<size_t>(n_output));
  const int32_t* bias = has_bias ? g_bias : nullptr;
  microml::reference::FullyConnectedInt8(d, g_input, g_filter, bias, g_expected);
  microml::arm::FullyConnectedInt8(d, g_input, g_filter, bias, g_got);
  int32_t bad = 0;
  for (int32_t i = 0; i < n_output; ++i) bad += g_expected[i] != g_got[i];
  if (bad == 0) return true;
  Print(
      "fully_connected case %d: %ld mismatches: batches %ld depth %ld units %ld input offset %ld "
      "per-channel %d bias %d\n",
      index, static_cast<long>(bad), static_cast<long>(d.batches), static_cast<long>(d.depth),
      static_cast<long>(d.units), static_cast<long>(d.input_offset), per_channel ? 1 : 0,
      has_bias ? 1 : 0);
  return false;
}

}  // namespace microml_cortex_m
