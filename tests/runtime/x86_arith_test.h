// The differential check the x86 ADD and MUL tests share: random lengths
// around the 16-element step, broadcasts of every pattern, extreme inputs and
// narrowed activation ranges, each op setting its own zero points and scales.
#ifndef MICROML_TESTS_RUNTIME_X86_ARITH_TEST_H_
#define MICROML_TESTS_RUNTIME_X86_ARITH_TEST_H_

#include <gtest/gtest.h>
#include <stdint.h>

#include <random>
#include <vector>

#include "kernels/reference/arithmetic.h"
#include "kernels/x86/cpu.h"
#include "x86_test_util.h"

namespace microml {
namespace x86_test {

using ArithAt = void (*)(x86::Level, const ArithData&, const Tensor&, const Tensor&, const Tensor&);
// Draws d's zero points and scales for one trial; returns the output shift
// (for the failure message).
using ArithQuant = int (*)(std::mt19937& rng, ArithData* d);

template <typename T>
void CheckArith(x86::Level level, ArithAt optimized, ArithCompute reference, TensorType type,
                ArithQuant quantize) {
  constexpr bool kInt8 = sizeof(T) == 1;
  constexpr int32_t kMin = kInt8 ? -128 : -32768;
  constexpr int32_t kMax = kInt8 ? 127 : 32767;
  std::mt19937 rng(static_cast<unsigned>(level) * 17 + sizeof(T));
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
    const int shift = quantize(rng, &d);
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

}  // namespace x86_test
}  // namespace microml

#endif  // MICROML_TESTS_RUNTIME_X86_ARITH_TEST_H_
