// Differential checks of the x86-64 float32 DEPTHWISE_CONV_2D compute at
// every level this CPU has against the reference compute, compared bit for
// bit (the lanes add in the reference's order): random shapes with channel
// counts around both vector widths, strides, dilations, both paddings, with
// and without bias, clamped and unclamped, and depth multipliers above 1
// (which fall back). Levels the CPU lacks are skipped with a message.
#if defined(__x86_64__)

#include <gtest/gtest.h>
#include <stdint.h>
#include <string.h>

#include <limits>
#include <random>
#include <vector>

#include "kernels/padding.h"
#include "kernels/x86/cpu.h"
#include "kernels/x86/depthwise_float.h"

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
  std::mt19937 rng(static_cast<unsigned>(level) * 11 + 3);
  std::uniform_real_distribution<float> value(-3.0f, 3.0f);
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
    Padding padding = Uniform(rng, 0, 1) == 0 ? Padding::kSame : Padding::kValid;
    if (WindowOutputSize(Padding::kValid, s.in_h, s.f_h, d.stride_h, d.dilation_h) < 1 ||
        WindowOutputSize(Padding::kValid, s.in_w, s.f_w, d.stride_w, d.dilation_w) < 1) {
      padding = Padding::kSame;
    }
    s.out_h = WindowOutputSize(padding, s.in_h, s.f_h, d.stride_h, d.dilation_h);
    s.out_w = WindowOutputSize(padding, s.in_w, s.f_w, d.stride_w, d.dilation_w);
    s.out_c = s.in_c * d.multiplier;
    int32_t extra = 0;
    d.pad_h = WindowPadding(d.stride_h, d.dilation_h, s.in_h, s.f_h, s.out_h, &extra);
    d.pad_w = WindowPadding(d.stride_w, d.dilation_w, s.in_w, s.f_w, s.out_w, &extra);
    const bool relu6 = trial % 3 == 0;
    d.float_min = relu6 ? 0.0f : std::numeric_limits<float>::lowest();
    d.float_max = relu6 ? 6.0f : std::numeric_limits<float>::max();
    std::vector<float> input(static_cast<size_t>(s.batches) * s.in_h * s.in_w * s.in_c);
    std::vector<float> filter(static_cast<size_t>(s.f_h) * s.f_w * s.out_c);
    std::vector<float> bias(s.out_c);
    for (float& v : input) v = value(rng);
    for (float& v : filter) v = value(rng);
    for (float& v : bias) v = value(rng);
    const float* b = trial % 4 == 0 ? nullptr : bias.data();
    const size_t outputs = static_cast<size_t>(s.batches) * s.out_h * s.out_w * s.out_c;
    std::vector<float> want(outputs), got(outputs);
    reference::DepthwiseConv2DFloat(d, s, input.data(), filter.data(), b, want.data());
    x86::DepthwiseConv2DFloatAt(level, d, s, input.data(), filter.data(), b, got.data());
    ASSERT_EQ(memcmp(got.data(), want.data(), outputs * sizeof(float)), 0)
        << "input " << s.batches << "x" << s.in_h << "x" << s.in_w << "x" << s.in_c << " filter "
        << s.f_h << "x" << s.f_w << " multiplier " << d.multiplier << " stride " << d.stride_h
        << "x" << d.stride_w << " dilation " << d.dilation_h << "x" << d.dilation_w;
  }
}

TEST(X86DepthwiseFloat, PortableMatchesReference) {
  CheckLevel(Level::kPortable);
}

TEST(X86DepthwiseFloat, Sse41MatchesReference) {
  CheckLevel(Level::kSse41);
}

TEST(X86DepthwiseFloat, Avx2MatchesReference) {
  CheckLevel(Level::kAvx2);
}

TEST(X86DepthwiseFloat, Avx512VnniMatchesReference) {
  CheckLevel(Level::kAvx512Vnni);
}

}  // namespace
}  // namespace microml

#endif  // __x86_64__
