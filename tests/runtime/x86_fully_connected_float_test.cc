// Differential checks of the x86-64 float32 FULLY_CONNECTED compute at every
// level this CPU has against the reference compute, compared bit for bit
// (each lane adds in the reference's order): unit counts and depths around
// both vector widths and their leftovers, several batch rows, with and
// without bias, clamped and unclamped. Levels the CPU lacks are skipped with
// a message.
#if defined(__x86_64__)

#include <gtest/gtest.h>
#include <stdint.h>

#include <random>
#include <vector>

#include "kernels/x86/fully_connected_float.h"
#include "x86_test_util.h"

namespace microml {
namespace {

using x86::Level;
using x86_test::RandomFloats;
using x86_test::SameBits;
using x86_test::SetFloatRange;
using x86_test::Uniform;

void CheckLevel(Level level) {
  std::mt19937 rng(static_cast<unsigned>(level) * 7 + 5);
  for (int trial = 0; trial < 300; ++trial) {
    FullyConnectedParams d = {};
    d.kind = FullyConnectedKind::kFloat;
    d.batches = Uniform(rng, 1, 3);
    d.depth = Uniform(rng, 1, trial % 4 == 0 ? 300 : 40);
    d.units = Uniform(rng, 1, 40);
    SetFloatRange(trial % 3 == 0, &d);
    const std::vector<float> input = RandomFloats(rng, static_cast<size_t>(d.batches) * d.depth);
    const std::vector<float> filter = RandomFloats(rng, static_cast<size_t>(d.units) * d.depth);
    const std::vector<float> bias = RandomFloats(rng, d.units);
    const float* b = trial % 4 == 1 ? nullptr : bias.data();
    const size_t outputs = static_cast<size_t>(d.batches) * d.units;
    std::vector<float> want(outputs), got(outputs);
    reference::FullyConnectedFloat(d, input.data(), filter.data(), b, want.data());
    x86::FullyConnectedFloatAt(level, d, input.data(), filter.data(), b, got.data());
    ASSERT_TRUE(SameBits(got, want))
        << "batches " << d.batches << " depth " << d.depth << " units " << d.units;
  }
}

MICROML_X86_MATCHES_REFERENCE_TESTS(X86FullyConnectedFloat, CheckLevel)

}  // namespace
}  // namespace microml

#endif  // __x86_64__
