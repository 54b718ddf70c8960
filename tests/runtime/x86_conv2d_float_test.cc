// Differential checks of the x86-64 float32 CONV_2D compute at every level
// this CPU has against the reference compute, compared bit for bit (each lane
// adds in the reference's order): random shapes with input and output
// channel counts around both vector widths, strides, dilations, both
// paddings, with and without bias, clamped and unclamped, and grouped
// filters (which fall back). Levels the CPU lacks are skipped with a message.
#if defined(__x86_64__)

#include <gtest/gtest.h>
#include <stdint.h>

#include <random>
#include <vector>

#include "kernels/x86/conv2d_float.h"
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
  std::mt19937 rng(static_cast<unsigned>(level) * 19 + 1);
  for (int trial = 0; trial < 200; ++trial) {
    Conv2DParams d = {};
    d.kind = Conv2DKind::kFloat;
    Conv2DShape s = {};
    s.batches = Uniform(rng, 1, 2);
    s.in_h = Uniform(rng, 1, 8);
    s.in_w = Uniform(rng, 1, 8);
    const int32_t groups = trial % 8 == 0 ? 2 : 1;
    s.f_c = Uniform(rng, 1, 20);
    s.in_c = s.f_c * groups;
    s.out_c = groups * Uniform(rng, 1, 20);
    s.f_h = Uniform(rng, 1, 3);
    s.f_w = Uniform(rng, 1, 3);
    d.stride_h = Uniform(rng, 1, 2);
    d.stride_w = Uniform(rng, 1, 2);
    d.dilation_h = Uniform(rng, 0, 3) == 0 ? 2 : 1;
    d.dilation_w = Uniform(rng, 0, 3) == 0 ? 2 : 1;
    RandomPadding(rng, &d, &s);
    SetFloatRange(trial % 3 == 0, &d);
    const std::vector<float> input =
        RandomFloats(rng, static_cast<size_t>(s.batches) * s.in_h * s.in_w * s.in_c);
    const std::vector<float> filter =
        RandomFloats(rng, static_cast<size_t>(s.out_c) * s.f_h * s.f_w * s.f_c);
    const std::vector<float> bias = RandomFloats(rng, s.out_c);
    const float* b = trial % 4 == 1 ? nullptr : bias.data();
    const size_t outputs = static_cast<size_t>(s.batches) * s.out_h * s.out_w * s.out_c;
    std::vector<float> want(outputs), got(outputs);
    reference::Conv2DFloat(d, s, input.data(), filter.data(), b, want.data());
    x86::Conv2DFloatAt(level, d, s, input.data(), filter.data(), b, got.data());
    ASSERT_TRUE(SameBits(got, want))
        << "input " << s.batches << "x" << s.in_h << "x" << s.in_w << "x" << s.in_c << " filter "
        << s.out_c << "x" << s.f_h << "x" << s.f_w << "x" << s.f_c << " stride " << d.stride_h
        << "x" << d.stride_w << " dilation " << d.dilation_h << "x" << d.dilation_w;
  }
}

MICROML_X86_MATCHES_REFERENCE_TESTS(X86Conv2DFloat, CheckLevel)

}  // namespace
}  // namespace microml

#endif  // __x86_64__
