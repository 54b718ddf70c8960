// Differential checks of the x86-64 int8 GEMM core at every level this CPU
// has, against the portable arm::GemmS8 (itself checked against the reference
// in gemm_s8_test.cc): random shapes around the vector widths, both offsets'
// extremes, per-tensor and per-channel scales, int32 sums that wrap, and at
// the VNNI level packed weights and folded biases. Levels the CPU lacks are
// skipped with a message.
#if defined(__x86_64__)

#include <gtest/gtest.h>
#include <stdint.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/arm/gemm_s8.h"
#include "kernels/quantization.h"
#include "kernels/x86/gemm_s8.h"
#include "x86_test_util.h"

namespace {

using microml::x86::Level;
using microml::x86_test::RandomBytes;

void CheckLevel(Level level) {
  std::mt19937 rng(static_cast<unsigned>(level) + 7);
  std::uniform_real_distribution<double> exponent(-24.0, 4.0);
  std::uniform_int_distribution<int32_t> any(INT32_MIN, INT32_MAX);
  std::uniform_int_distribution<int32_t> small(-50000, 50000);
  for (int trial = 0; trial < 400; ++trial) {
    const int32_t rows = 1 + static_cast<int32_t>(rng() % 11);
    const int32_t cols = 1 + static_cast<int32_t>(rng() % 150);
    const int32_t depth = 1 + static_cast<int32_t>(rng() % (trial % 4 == 0 ? 700 : 80));
    const bool per_channel = trial % 2 == 0;
    // Every few trials, inputs and weights at the extremes with huge biases,
    // so the int32 sums wrap.
    const bool huge = trial % 5 == 0;
    const int32_t lhs_stride = depth + static_cast<int32_t>(rng() % 3);
    std::vector<int8_t> lhs = huge ? RandomBytes(rng, rows * lhs_stride, -128, -120)
                                   : RandomBytes(rng, rows * lhs_stride, -128, 127);
    std::vector<int8_t> rhs = huge ? RandomBytes(rng, cols * depth, -128, -120)
                                   : RandomBytes(rng, cols * depth, -128, 127);
    std::vector<int32_t> bias(cols);
    for (auto& b : bias) b = huge ? any(rng) : small(rng);
    std::vector<int32_t> multiplier(per_channel ? cols : 1);
    std::vector<int8_t> shift(multiplier.size());
    for (size_t c = 0; c < multiplier.size(); ++c) {
      int s = 0;
      microml::QuantizeMultiplier(std::pow(2.0, exponent(rng)), &multiplier[c], &s);
      shift[c] = static_cast<int8_t>(s);
    }
    const int32_t offsets[] = {-127, 128, 0, 5};
    microml::arm::GemmS8Output q = {trial % 7 == 0 ? nullptr : bias.data(),
                                    multiplier.data(),
                                    shift.data(),
                                    per_channel ? 1 : 0,
                                    offsets[trial % 4],
                                    static_cast<int32_t>(rng() % 256) - 128,
                                    -128 + static_cast<int32_t>(rng() % 30),
                                    127 - static_cast<int32_t>(rng() % 30)};
    std::vector<int8_t> want(rows * cols);
    microml::arm::GemmS8(lhs.data(), lhs_stride, rows, rhs.data(), cols, depth, q, want.data(),
                         cols);
    std::vector<int8_t> got(rows * cols);
    microml::x86::GemmS8At(level, lhs.data(), lhs_stride, rows, rhs.data(), cols, depth, q,
                           got.data(), cols, nullptr, nullptr);
    ASSERT_EQ(got, want) << "rows " << rows << " cols " << cols << " depth " << depth;
    if (level == Level::kAvx512Vnni) {
      std::vector<int8_t> packed(microml::x86::PackedVnniBytes(cols, depth));
      microml::x86::PackVnni(rhs.data(), cols, depth, packed.data());
      std::vector<int32_t> folded(cols);
      microml::x86::FoldVnni(rhs.data(), cols, depth, q.input_offset, q.bias, folded.data());
      std::fill(got.begin(), got.end(), 0);
      microml::x86::GemmS8At(level, lhs.data(), lhs_stride, rows, rhs.data(), cols, depth, q,
                             got.data(), cols, packed.data(), folded.data());
      ASSERT_EQ(got, want) << "packed: rows " << rows << " cols " << cols << " depth " << depth;
    }
  }
}

MICROML_X86_LEVEL_TEST(X86GemmS8, Sse41MatchesPortable, Level::kSse41, CheckLevel)

MICROML_X86_LEVEL_TEST(X86GemmS8, Avx2MatchesPortable, Level::kAvx2, CheckLevel)

MICROML_X86_LEVEL_TEST(X86GemmS8, Avx512VnniMatchesPortable, Level::kAvx512Vnni, CheckLevel)

}  // namespace

#endif  // __x86_64__
