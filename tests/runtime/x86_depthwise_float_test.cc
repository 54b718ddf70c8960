// Differential checks of the x86-64 float32 DEPTHWISE_CONV_2D compute at
// every level this CPU has against the reference compute, compared bit for
// bit (the lanes add in the reference's order): random shapes with channel
// counts around both vector widths, strides, dilations, both paddings, with
// and without bias, clamped and unclamped, and depth multipliers above 1
// (which fall back). Levels the CPU lacks are skipped with a message.
#if defined(__x86_64__)

#include <gtest/gtest.h>
#include <stdint.h>

#include <random>
#include <vector>

#include "kernels/x86/depthwise_float.h"
#include "x86_test_util.h"

namespace microml {
namespace {

using x86::Level;
using x86_test::RandomFloats;
using x86_test::RandomPadding;
using x86_test::SameBits;
using x86_test::SetFloatRange;
using x86_test::Uniform;

void CheckLevel(Level level) {
  std::mt19937 rng(static_cast<unsigned>(level) * 11 + 3);
  for (int trial = 0; trial < 300; ++trial) {
    DepthwiseParams d = {};
    d.kind = DepthwiseKind::kFloat;
    d.multiplier = trial % 8 == 0 ? Uniform(rng, 2, 3) : 1;
    DepthwiseShape s = {};
    s.batches = Uniform(rng, 1, 2);
    s.in_h = Uniform(rng, 1, 10);
    s.in_w = Uniform(rng, 1, 10);
    s.in_c = Uniform(rng, 1, 40);
    s.f_h = Uniform(rng, 1, 4);
    s.f_w = Uniform(rng, 1, 4);
    d.stride_h = Uniform(rng, 1, 3);
    d.stride_w = Uniform(rng, 1, 3);
    d.dilation_h = Uniform(rng, 0, 3) == 0 ? 2 : 1;
    d.dilation_w = Uniform(rng, 0, 3) == 0 ? 2 : 1;
    RandomPadding(rng, &d, &s);
    s.out_c = s.in_c * d.multiplier;
    SetFloatRange(trial % 3 == 0, &d);
    const std::vector<float> input =
        RandomFloats(rng, static_cast<size_t>(s.batches) * s.in_h * s.in_w * s.in_c);
    const std::vector<float> filter =
        RandomFloats(rng, static_cast<size_t>(s.f_h) * s.f_w * s.out_c);
    const std::vector<float> bias = RandomFloats(rng, s.out_c);
    const float* b = trial % 4 == 0 ? nullptr : bias.data();
    const size_t outputs = static_cast<size_t>(s.batches) * s.out_h * s.out_w * s.out_c;
    std::vector<float> want(outputs), got(outputs);
    reference::DepthwiseConv2DFloat(d, s, input.data(), filter.data(), b, want.data());
    x86::DepthwiseConv2DFloatAt(level, d, s, input.data(), filter.data(), b, got.data());
    ASSERT_TRUE(SameBits(got, want))
        << "input " << s.batches << "x" << s.in_h << "x" << s.in_w << "x" << s.in_c << " filter "
        << s.f_h << "x" << s.f_w << " multiplier " << d.multiplier << " stride " << d.stride_h
        << "x" << d.stride_w << " dilation " << d.dilation_h << "x" << d.dilation_w;
  }
}

MICROML_X86_MATCHES_REFERENCE_TESTS(X86DepthwiseFloat, CheckLevel)

}  // namespace
}  // namespace microml

#endif  // __x86_64__
