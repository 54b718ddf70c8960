// Differential checks of the x86-64 int8 ADD compute at every level this CPU
// has against the reference compute: random lengths around the 16-element
// step (partial tails), broadcasts of every pattern, zero points over their
// whole range and scales set up as the prepare does (input scales up to 2^10
// apart, so some exponents pass arm::kMaxPotExponent and fall back),
// narrowed activation ranges. Levels the CPU lacks are skipped with a
// message.
#if defined(__x86_64__)

#include <gtest/gtest.h>
#include <stdint.h>

#include <cmath>
#include <random>

#include "kernels/quantization.h"
#include "kernels/x86/add.h"
#include "x86_arith_test.h"
#include "x86_test_util.h"

namespace microml {
namespace {

using x86::Level;
using x86_test::Uniform;

// FinishArithQuant's factors, as QuantizeMultiplier gives them, for input
// scales up to 2^10 apart.
int AddQuant(std::mt19937& rng, ArithData* d) {
  std::uniform_real_distribution<double> exponent(-12.0, 2.0);
  std::uniform_real_distribution<double> spread(-10.0, 10.0);
  d->offset_a = Uniform(rng, -127, 128);
  d->offset_b = Uniform(rng, -127, 128);
  d->offset_out = Uniform(rng, -128, 127);
  const double sa = std::pow(2.0, exponent(rng)), sb = sa * std::pow(2.0, spread(rng));
  const double so = (sa > sb ? sa : sb) * std::pow(2.0, spread(rng) / 3.0);
  d->left_shift = 20;
  const double twice_max = 2.0 * (sa > sb ? sa : sb);
  int shift = 0;
  QuantizeMultiplier(sa / twice_max, &d->mult_a, &shift);
  d->shift_a = static_cast<int8_t>(shift);
  QuantizeMultiplier(sb / twice_max, &d->mult_b, &shift);
  d->shift_b = static_cast<int8_t>(shift);
  QuantizeMultiplier(twice_max / (static_cast<double>(1 << 20) * so), &d->mult_out, &shift);
  d->shift_out = static_cast<int8_t>(shift);
  return shift;
}

void CheckInt8(Level level) {
  x86_test::CheckArith<int8_t>(level, x86::AddInt8At, reference::AddInt8, TensorType::kINT8,
                               AddQuant);
}

MICROML_X86_MATCHES_REFERENCE_TESTS(X86Add, CheckInt8)

}  // namespace
}  // namespace microml

#endif  // __x86_64__
