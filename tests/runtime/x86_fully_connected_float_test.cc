// Differential checks of the x86-64 float32 FULLY_CONNECTED compute at every
// level this CPU has against the reference compute, compared bit for bit
// (each lane adds in the reference's order): unit counts and depths around
// both vector widths and their leftovers, several batch rows, with and
// without bias, clamped and unclamped. Levels the CPU lacks are skipped with
// a message.
#if defined(__x86_64__)

#include <gtest/gtest.h>
#include <stdint.h>
#include <string.h>

#include <limits>
#include <random>
#include <vector>

#include "kernels/x86/cpu.h"
#include "kernels/x86/fully_connected_float.h"

namespace microml {
namespace {

using x86::Level;

int32_t Uniform(std::mt19937& rng, int32_t lo, int32_t hi) {
  return std::uniform_int_distribution<int32_t>(lo, hi)(rng);
}

void CheckLevel(Level level) {
  if (level > x86::SupportedLevel()) {
    GTEST_SKIP() << "x86 level " << x86::LevelName(level) << ": this CPU lacks it";
  }
  std::mt19937 rng(static_cast<unsigned>(level) * 7 + 5);
  std::uniform_real_distribution<float> value(-3.0f, 3.0f);
  for (int trial = 0; trial < 300; ++trial) {
    FullyConnectedParams d = {};
    d.kind = FullyConnectedKind::kFloat;
    d.batches = Uniform(rng, 1, 3);
    d.depth = Uniform(rng, 1, trial % 4 == 0 ? 300 : 40);
    d.units = Uniform(rng, 1, 40);
    const bool relu6 = trial % 3 == 0;
    d.float_min = relu6 ? 0.0f : std::numeric_limits<float>::lowest();
    d.float_max = relu6 ? 6.0f : std::numeric_limits<float>::max();
    std::vector<float> input(static_cast<size_t>(d.batches) * d.depth);
    std::vector<float> filter(static_cast<size_t>(d.units) * d.depth);
    std::vector<float> bias(d.units);
    for (float& v : input) v = value(rng);
    for (float& v : filter) v = value(rng);
    for (float& v : bias) v = value(rng);
    const float* b = trial % 4 == 1 ? nullptr : bias.data();
    const size_t outputs = static_cast<size_t>(d.batches) * d.units;
    std::vector<float> want(outputs), got(outputs);
    reference::FullyConnectedFloat(d, input.data(), filter.data(), b, want.data());
    x86::FullyConnectedFloatAt(level, d, input.data(), filter.data(), b, got.data());
    ASSERT_EQ(memcmp(got.data(), want.data(), outputs * sizeof(float)), 0)
        << "batches " << d.batches << " depth " << d.depth << " units " << d.units;
  }
}

TEST(X86FullyConnectedFloat, PortableMatchesReference) {
  CheckLevel(Level::kPortable);
}

TEST(X86FullyConnectedFloat, Sse41MatchesReference) {
  CheckLevel(Level::kSse41);
}

TEST(X86FullyConnectedFloat, Avx2MatchesReference) {
  CheckLevel(Level::kAvx2);
}

TEST(X86FullyConnectedFloat, Avx512VnniMatchesReference) {
  CheckLevel(Level::kAvx512Vnni);
}

}  // namespace
}  // namespace microml

#endif  // __x86_64__
