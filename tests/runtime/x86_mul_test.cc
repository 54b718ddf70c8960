// Differential checks of the x86-64 int8 and int16 MUL computes at every
// level this CPU has against the reference computes: random lengths around
// the 16-element step (partial tails), broadcasts of every pattern, zero
// points and scales over their whole ranges (output shifts from -31 to left
// shifts, which fall back), narrowed activation ranges. Levels the CPU lacks
// are skipped with a message.
#if defined(__x86_64__)

#include <gtest/gtest.h>
#include <stdint.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/quantization.h"
#include "kernels/x86/mul.h"
#include "x86_test_util.h"

namespace microml {
namespace {

using x86::Level;
using x86_test::Shape;
using x86_test::Uniform;

using MulAt = void (*)(Level, const ArithData&, const Tensor&, const Tensor&, const Tensor&);

template <typename T>
void CheckLevel(Level level, MulAt optimized, ArithCompute reference, TensorType type) {
  constexpr bool kInt8 = sizeof(T) == 1;
  constexpr int32_t kMin = kInt8 ? -128 : -32768;
  constexpr int32_t kMax = kInt8 ? 127 : 32767;
  std::mt19937 rng(static_cast<unsigned>(level) * 17 + sizeof(T));
  std::uniform_real_distribution<double> exponent(-34.0, 1.0);
  for (int trial = 0; trial < 400; ++trial) {
    // Every other trial broadcasts: random dimensions of each input set to
    // 1, or dropped from the front.
    const bool broadcast = trial % 2 == 1;
    const int rank = Uniform(rng, 1, 4);
    int32_t out_dims[4], a_dims[4], b_dims[4];
    for (int i = 0; i < rank; ++i) {
      out_dims[i] = Uniform(rng, 1, broadcast ? 20 : 8);
      a_dims[i] = out_dims[i];
      b_dims[i] = out_dims[i];
      if (broadcast) {
        if (Uniform(rng, 0, 2) == 0) a_dims[i] = 1;
        if (a_dims[i] != 1 && Uniform(rng, 0, 2) == 0) b_dims[i] = 1;
      }
    }
    const int a_rank = broadcast && Uniform(rng, 0, 3) == 0 ? Uniform(rng, 0, rank) : rank;
    const Shape a_shape = {a_dims + (rank - a_rank), a_rank};
    const Shape b_shape = {b_dims, rank};
    const Shape out_shape = {out_dims, rank};
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
    std::vector<T> a(a_shape.Count()), b(b_shape.Count()), want(out_shape.Count()),
        got(out_shape.Count());
    for (size_t i = 0; i < a.size(); ++i) {
      a[i] = static_cast<T>(extreme ? (i % 2 ? kMin : kMax) : Uniform(rng, kMin, kMax));
    }
    for (size_t i = 0; i < b.size(); ++i) {
      b[i] = static_cast<T>(extreme ? (i % 3 ? kMin : kMax) : Uniform(rng, kMin, kMax));
    }
    d.broadcast = a.size() != want.size() || b.size() != want.size() || a_rank != rank;
    const Tensor ta = a_shape.Of(a.data(), type);
    const Tensor tb = b_shape.Of(b.data(), type);
    Tensor out = out_shape.Of(want.data(), type);
    reference(d, ta, tb, out);
    out.data = got.data();
    optimized(level, d, ta, tb, out);
    ASSERT_EQ(got, want) << "shapes " << a_shape << " " << b_shape << " -> " << out_shape
                         << " offsets " << d.offset_a << " " << d.offset_b << " " << d.offset_out
                         << " multiplier " << d.mult_out << " shift " << shift << " range "
                         << d.act_min << ".." << d.act_max;
  }
}

void CheckAllTypes(Level level) {
  CheckLevel<int8_t>(level, x86::MulInt8At, reference::MulInt8, TensorType::kINT8);
  CheckLevel<int16_t>(level, x86::MulInt16At, reference::MulInt16, TensorType::kINT16);
}

MICROML_X86_MATCHES_REFERENCE_TESTS(X86Mul, CheckAllTypes)

}  // namespace
}  // namespace microml

#endif  // __x86_64__
