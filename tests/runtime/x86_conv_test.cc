// Differential checks of the x86-64 convolution paths that bypass the GEMM
// core's own entry (x86/conv_vnni.cc, x86/depthwise_gemm.cc) against the
// reference computes: random shapes with padding, strides, dilations, 1x1
// filters, window rows of whole and partial 4-byte groups (read in place or
// through im2col), per-tensor and per-channel scales, both input offsets'
// extremes and int32 sums that wrap; and the whole x86 DEPTHWISE_CONV_2D
// compute over channel counts and depth multipliers past its 8- and
// 16-channel groups. Conv2DVnni needs the VNNI level (skipped with a message
// without it); the depthwise computes run at the active level
// (MICROML_X86_LEVEL lowers it).
#if defined(__x86_64__)

#include <gtest/gtest.h>
#include <stdint.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/arm/conv2d.h"
#include "kernels/arm/depthwise_conv2d.h"
#include "kernels/prepare/conv2d.h"
#include "kernels/prepare/depthwise_conv2d.h"
#include "kernels/quantization.h"
#include "kernels/x86/conv_vnni.h"
#include "kernels/x86/cpu.h"
#include "kernels/x86/depthwise_conv2d.h"
#include "kernels/x86/depthwise_gemm.h"
#include "x86_test_util.h"

namespace {

using microml::x86::Level;
using microml::x86_test::RandomBytes;

// Scales, offsets and the activation range, with the arrays they point to.
struct Quant {
  std::vector<int32_t> multiplier;
  std::vector<int8_t> shift;
  std::vector<int32_t> bias;

  void Fill(std::mt19937& rng, int trial, int32_t channels, microml::conv::QuantParams* q) {
    const bool per_channel = trial % 2 == 0;
    const bool huge = trial % 5 == 0;
    // Mostly right shifts (the fast paths); every 9th trial exponents up to
    // 2^4, which those paths hand on.
    std::uniform_real_distribution<double> exponent(-24.0, trial % 9 == 0 ? 4.0 : -1.5);
    multiplier.assign(per_channel ? channels : 1, 0);
    shift.assign(multiplier.size(), 0);
    for (size_t c = 0; c < multiplier.size(); ++c) {
      int s = 0;
      microml::QuantizeMultiplier(std::pow(2.0, exponent(rng)), &multiplier[c], &s);
      shift[c] = static_cast<int8_t>(s);
    }
    std::uniform_int_distribution<int32_t> any(INT32_MIN, INT32_MAX);
    std::uniform_int_distribution<int32_t> small(-50000, 50000);
    bias.resize(channels);
    for (auto& b : bias) b = huge ? any(rng) : small(rng);
    const int32_t offsets[] = {-127, 128, 0, 5};
    q->scales = {multiplier.data(), shift.data(), per_channel ? 1 : 0};
    q->input_offset = offsets[trial % 4];
    q->output_offset = static_cast<int32_t>(rng() % 256) - 128;
    q->act_min = -128 + static_cast<int32_t>(rng() % 30);
    q->act_max = 127 - static_cast<int32_t>(rng() % 30);
  }
};

int32_t OutSize(int32_t in, int32_t k, int32_t stride, int32_t dilation, bool same) {
  const int32_t eff = (k - 1) * dilation + 1;
  return same ? (in + stride - 1) / stride : (in - eff) / stride + 1;
}

int32_t Pad(int32_t in, int32_t out, int32_t k, int32_t stride, int32_t dilation, bool same) {
  if (!same) return 0;
  const int32_t eff = (k - 1) * dilation + 1;
  const int32_t total = (out - 1) * stride + eff - in;
  return total > 0 ? total / 2 : 0;
}

TEST(X86Conv, VnniMatchesReference) {
  if (microml::x86::ActiveLevel() < Level::kAvx512Vnni) {
    GTEST_SKIP() << "x86 level avx512-vnni: not active on this CPU";
  }
  std::mt19937 rng(11);
  int covered = 0;
  for (int trial = 0; trial < 600; ++trial) {
    const bool one = trial % 3 == 0;
    const int32_t in_c = 1 + static_cast<int32_t>(rng() % (trial % 4 == 1 ? 40 : 12));
    const int32_t k_h = one ? 1 : 1 + static_cast<int32_t>(rng() % 4);
    const int32_t k_w = one ? 1 : 1 + static_cast<int32_t>(rng() % 4);
    const int32_t stride_h = 1 + static_cast<int32_t>(rng() % 2);
    const int32_t stride_w = 1 + static_cast<int32_t>(rng() % 3);
    const int32_t dil_h = trial % 7 == 3 ? 2 : 1;
    const int32_t dil_w = trial % 11 == 5 ? 2 : 1;
    const bool same = !one && trial % 2 == 0;
    const int32_t in_h = k_h * dil_h + static_cast<int32_t>(rng() % 9);
    const int32_t in_w = k_w * dil_w + static_cast<int32_t>(rng() % 30);
    const int32_t out_c = 1 + static_cast<int32_t>(rng() % (trial % 5 == 2 ? 150 : 40));
    const int32_t batches = 1 + static_cast<int32_t>(rng() % 2);
    const int32_t out_h = OutSize(in_h, k_h, stride_h, dil_h, same);
    const int32_t out_w = OutSize(in_w, k_w, stride_w, dil_w, same);
    microml::Conv2DParams d{};
    Quant quant;
    quant.Fill(rng, trial, out_c, &d);
    d.stride_h = stride_h;
    d.stride_w = stride_w;
    d.dilation_h = dil_h;
    d.dilation_w = dil_w;
    d.pad_h = Pad(in_h, out_h, k_h, stride_h, dil_h, same);
    d.pad_w = Pad(in_w, out_w, k_w, stride_w, dil_w, same);
    d.kind = microml::Conv2DKind::kInt8;
    const microml::Conv2DShape s{batches, in_h, in_w, in_c, k_h, k_w, in_c, out_h, out_w, out_c};
    const bool huge = trial % 5 == 0;
    const auto input = RandomBytes(rng, batches * in_h * in_w * in_c, huge ? 120 : -128, 127);
    const auto filter = RandomBytes(rng, out_c * k_h * k_w * in_c, huge ? 120 : -128, 127);
    const int32_t* bias = trial % 7 == 0 ? nullptr : quant.bias.data();
    std::vector<int8_t> want(batches * out_h * out_w * out_c);
    microml::reference::Conv2DInt8(d, s, input.data(), filter.data(), bias, want.data());
    std::vector<int8_t> scratch(microml::arm::Conv2DInt8ScratchBytes(d, s));
    std::vector<int8_t> got(want.size(), 0);
    if (!microml::x86::Conv2DVnni(d, s, input.data(), filter.data(), bias, scratch.data(),
                                  got.data())) {
      continue;
    }
    ++covered;
    ASSERT_EQ(got, want) << "trial " << trial << ": " << in_h << "x" << in_w << "x" << in_c << " k"
                         << k_h << "x" << k_w << " s" << stride_h << "x" << stride_w << " d"
                         << dil_h << "x" << dil_w << " -> " << out_c;
  }
  // Most trials have right shifts and small filters: the path must take them.
  EXPECT_GT(covered, 400);
}

TEST(X86Depthwise, SingleChannelMatchesReference) {
  if (microml::x86::ActiveLevel() == Level::kPortable) {
    GTEST_SKIP() << "x86 level portable: DepthwiseSingleChannel does not run there";
  }
  std::mt19937 rng(12);
  for (int trial = 0; trial < 300; ++trial) {
    const int32_t k_h = 1 + static_cast<int32_t>(rng() % 10);
    const int32_t k_w = 1 + static_cast<int32_t>(rng() % 8);
    const int32_t stride_h = 1 + static_cast<int32_t>(rng() % 2);
    const int32_t stride_w = 1 + static_cast<int32_t>(rng() % 3);
    const int32_t dil_h = trial % 7 == 3 ? 2 : 1;
    const int32_t dil_w = trial % 11 == 5 ? 2 : 1;
    const bool same = trial % 2 == 0;
    const int32_t in_h = k_h * dil_h + static_cast<int32_t>(rng() % 12);
    const int32_t in_w = k_w * dil_w + static_cast<int32_t>(rng() % 12);
    const int32_t out_c = 1 + static_cast<int32_t>(rng() % 40);
    const int32_t out_h = OutSize(in_h, k_h, stride_h, dil_h, same);
    const int32_t out_w = OutSize(in_w, k_w, stride_w, dil_w, same);
    microml::DepthwiseParams d{};
    Quant quant;
    quant.Fill(rng, trial, out_c, &d);
    d.stride_h = stride_h;
    d.stride_w = stride_w;
    d.dilation_h = dil_h;
    d.dilation_w = dil_w;
    d.pad_h = Pad(in_h, out_h, k_h, stride_h, dil_h, same);
    d.pad_w = Pad(in_w, out_w, k_w, stride_w, dil_w, same);
    d.multiplier = out_c;
    d.kind = microml::DepthwiseKind::kInt8;
    const microml::DepthwiseShape s{1, in_h, in_w, 1, k_h, k_w, out_h, out_w, out_c};
    const bool huge = trial % 5 == 0;
    const auto input = RandomBytes(rng, in_h * in_w, huge ? 120 : -128, 127);
    const auto filter = RandomBytes(rng, k_h * k_w * out_c, huge ? 120 : -128, 127);
    const int32_t* bias = trial % 7 == 0 ? nullptr : quant.bias.data();
    std::vector<int8_t> want(out_h * out_w * out_c);
    microml::reference::DepthwiseConv2DInt8(d, s, input.data(), filter.data(), bias, want.data());
    std::vector<int8_t> got(want.size(), 0);
    ASSERT_TRUE(
        microml::x86::DepthwiseSingleChannel(d, s, input.data(), filter.data(), bias, got.data()));
    ASSERT_EQ(got, want) << "trial " << trial << ": " << in_h << "x" << in_w << " k" << k_h << "x"
                         << k_w << " s" << stride_h << "x" << stride_w << " -> " << out_c;
  }
}

TEST(X86Depthwise, MatchesReference) {
  std::mt19937 rng(13);
  for (int trial = 0; trial < 300; ++trial) {
    const int32_t k_h = 1 + static_cast<int32_t>(rng() % 4);
    const int32_t k_w = 1 + static_cast<int32_t>(rng() % 4);
    const int32_t stride_h = 1 + static_cast<int32_t>(rng() % 2);
    const int32_t stride_w = 1 + static_cast<int32_t>(rng() % 2);
    const int32_t dil_h = trial % 7 == 3 ? 2 : 1;
    const int32_t dil_w = trial % 11 == 5 ? 2 : 1;
    const bool same = trial % 2 == 0;
    const int32_t in_h = k_h * dil_h + static_cast<int32_t>(rng() % 7);
    const int32_t in_w = k_w * dil_w + static_cast<int32_t>(rng() % 7);
    const int32_t in_c = 1 + static_cast<int32_t>(rng() % (trial % 3 == 0 ? 140 : 40));
    const int32_t multiplier = trial % 4 == 1 ? 1 + static_cast<int32_t>(rng() % 3) : 1;
    const int32_t out_c = in_c * multiplier;
    const int32_t batches = 1 + static_cast<int32_t>(rng() % 2);
    const int32_t out_h = OutSize(in_h, k_h, stride_h, dil_h, same);
    const int32_t out_w = OutSize(in_w, k_w, stride_w, dil_w, same);
    microml::DepthwiseParams d{};
    Quant quant;
    quant.Fill(rng, trial, out_c, &d);
    d.stride_h = stride_h;
    d.stride_w = stride_w;
    d.dilation_h = dil_h;
    d.dilation_w = dil_w;
    d.pad_h = Pad(in_h, out_h, k_h, stride_h, dil_h, same);
    d.pad_w = Pad(in_w, out_w, k_w, stride_w, dil_w, same);
    d.multiplier = multiplier;
    d.kind = microml::DepthwiseKind::kInt8;
    const microml::DepthwiseShape s{batches, in_h, in_w, in_c, k_h, k_w, out_h, out_w, out_c};
    const bool huge = trial % 5 == 0;
    const auto input = RandomBytes(rng, batches * in_h * in_w * in_c, huge ? 120 : -128, 127);
    const auto filter = RandomBytes(rng, k_h * k_w * out_c, huge ? 120 : -128, 127);
    const int32_t* bias = trial % 7 == 0 ? nullptr : quant.bias.data();
    std::vector<int8_t> want(batches * out_h * out_w * out_c);
    microml::reference::DepthwiseConv2DInt8(d, s, input.data(), filter.data(), bias, want.data());
    std::vector<int8_t> scratch(microml::arm::DepthwiseConv2DInt8ScratchBytes(d, s));
    std::vector<int8_t> got(want.size(), 0);
    microml::x86::DepthwiseInt8(d, s, input.data(), filter.data(), bias, scratch.data(),
                                got.data());
    ASSERT_EQ(got, want) << "trial " << trial << ": " << in_h << "x" << in_w << "x" << in_c << " k"
                         << k_h << "x" << k_w << " s" << stride_h << "x" << stride_w << " m"
                         << multiplier;
  }
}

}  // namespace

#endif  // __x86_64__
