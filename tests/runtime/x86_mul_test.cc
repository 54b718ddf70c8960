// Differential checks of the x86-64 int8 and int16 MUL computes at every
// level this CPU has against the reference computes: random lengths around
// the 16-element step (partial tails), zero points and scales over their
// whole ranges (output shifts from -31 to left shifts, which fall back),
// narrowed activation ranges. Levels the CPU lacks are skipped with a message.
#if defined(__x86_64__)

#include <gtest/gtest.h>
#include <stdint.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/quantization.h"
#include "kernels/x86/cpu.h"
#include "kernels/x86/mul.h"

namespace microml {
namespace {

using x86::Level;

int32_t Uniform(std::mt19937& rng, int32_t lo, int32_t hi) {
  return std::uniform_int_distribution<int32_t>(lo, hi)(rng);
}

using MulAt = void (*)(Level, const ArithData&, const Tensor&, const Tensor&, const Tensor&);

template <typename T>
void CheckLevel(Level level, MulAt optimized, ArithCompute reference, TensorType type) {
  if (level > x86::SupportedLevel()) {
    GTEST_SKIP() << "x86 level " << x86::LevelName(level) << ": this CPU lacks it";
  }
  constexpr bool kInt8 = sizeof(T) == 1;
  constexpr int32_t kMin = kInt8 ? -128 : -32768;
  constexpr int32_t kMax = kInt8 ? 127 : 32767;
  std::mt19937 rng(static_cast<unsigned>(level) * 17 + sizeof(T));
  std::uniform_real_distribution<double> exponent(-34.0, 1.0);
  for (int trial = 0; trial < 400; ++trial) {
    int32_t n = Uniform(rng, 1, trial % 3 == 0 ? 300 : 40);
    ArithData d = {};
    // int16 MUL is symmetric: zero points are 0.
    d.offset_a = kInt8 ? Uniform(rng, -127, 128) : 0;
    d.offset_b = kInt8 ? Uniform(rng, -127, 128) : 0;
    d.offset_out = kInt8 ? Uniform(rng, -128, 127) : 0;
    int shift = 0;
    QuantizeMultiplier(std::pow(2.0, exponent(rng)), &d.mult_out, &shift);
    if (shift < -31) {
      d.mult_out = 0;
      shift = 0;
    }
    d.shift_out = static_cast<int8_t>(shift);
    d.act_min = trial % 4 == 0 ? Uniform(rng, kMin, kMax / 2) : kMin;
    d.act_max = trial % 5 == 0 ? Uniform(rng, kMin / 2, kMax) : kMax;
    const bool extreme = trial % 6 == 0;
    std::vector<T> a(n), b(n), want(n), got(n);
    for (int32_t i = 0; i < n; ++i) {
      a[i] = static_cast<T>(extreme ? (i % 2 ? kMin : kMax) : Uniform(rng, kMin, kMax));
      b[i] = static_cast<T>(extreme ? (i % 3 ? kMin : kMax) : Uniform(rng, kMin, kMax));
    }
    const uint32_t bytes = static_cast<uint32_t>(n * sizeof(T));
    const Tensor ta = {a.data(), &n, bytes, 1, type, 0};
    const Tensor tb = {b.data(), &n, bytes, 1, type, 0};
    Tensor out = {want.data(), &n, bytes, 1, type, 0};
    reference(d, ta, tb, out);
    out.data = got.data();
    optimized(level, d, ta, tb, out);
    ASSERT_EQ(got, want) << "n " << n << " offsets " << d.offset_a << " " << d.offset_b << " "
                         << d.offset_out << " multiplier " << d.mult_out << " shift " << shift
                         << " range " << d.act_min << ".." << d.act_max;
  }
}

void CheckAllTypes(Level level) {
  CheckLevel<int8_t>(level, x86::MulInt8At, reference::MulInt8, TensorType::kINT8);
  CheckLevel<int16_t>(level, x86::MulInt16At, reference::MulInt16, TensorType::kINT16);
}

TEST(X86Mul, PortableMatchesReference) {
  CheckAllTypes(Level::kPortable);
}

TEST(X86Mul, Sse41MatchesReference) {
  CheckAllTypes(Level::kSse41);
}

TEST(X86Mul, Avx2MatchesReference) {
  CheckAllTypes(Level::kAvx2);
}

TEST(X86Mul, Avx512VnniMatchesReference) {
  CheckAllTypes(Level::kAvx512Vnni);
}

}  // namespace
}  // namespace microml

#endif  // __x86_64__
