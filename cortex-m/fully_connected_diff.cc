// Random int8 FULLY_CONNECTED cases for kernel_diff_test: one to four batches
// (the single-row and the two-row paths, odd rows), depths from 1 to 700
// (short rows, depth % 4 tails, rows longer than the single-row path widens at
// a time), unit counts across the column blocks and chunks, input zero points
// -128, 127, 0 and random, per-channel and per-tensor scales with left and
// right shifts, all-(-128) data, biases that make the int32 sums wrap,
// narrowed clamps.
#include <stdint.h>

#include "console.h"
#include "kernel_diff.h"
#include "kernel_diff_random.h"
#include "kernels/arm/fully_connected.h"
#include "kernels/prepare/fully_connected.h"

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
  RandomInt8Output(rng, &d);
  const bool per_channel = RandomScales(rng, d.units, g_multiplier, g_shift, &d);
  RandomInt8Data(rng, g_input, d.batches * d.depth, g_filter, d.units * d.depth);
  const int32_t* bias = RandomBias(rng, g_bias, d.units);
  microml::reference::FullyConnectedInt8(d, g_input, g_filter, bias, g_expected);
  const int32_t bad = Mismatches(g_expected, g_got, d.batches * d.units, [&] {
    microml::arm::FullyConnectedInt8(d, g_input, g_filter, bias, g_got);
  });
  if (bad == 0) return true;
  Print(
      "fully_connected case %d: %ld mismatches: batches %ld depth %ld units %ld input offset %ld "
      "per-channel %d bias %d\n",
      index, static_cast<long>(bad), static_cast<long>(d.batches), static_cast<long>(d.depth),
      static_cast<long>(d.units), static_cast<long>(d.input_offset), per_channel ? 1 : 0,
      bias != nullptr ? 1 : 0);
  return false;
}

}  // namespace microml_cortex_m
