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

#include "kernels/quantization.h"
#include "kernels/x86/mul.h"
#include "x86_arith_test.h"
#include "x86_test_util.h"

namespace microml {
namespace {

using x86::Level;
using x86_test::Uniform;

// Zero points and an output scale over their whole ranges; int16 MUL is
// symmetric (zero points 0).
template <typename T>
int MulQuant(std::mt19937& rng, ArithData* d) {
  constexpr bool kInt8 = sizeof(T) == 1;
  std::uniform_real_distribution<double> exponent(-34.0, 1.0);
  d->offset_a = kInt8 ? Uniform(rng, -127, 128) : 0;
  d->offset_b = kInt8 ? Uniform(rng, -127, 128) : 0;
  d->offset_out = kInt8 ? Uniform(rng, -128, 127) : 0;
  int shift = 0;
  QuantizeMultiplier(std::pow(2.0, exponent(rng)), &d->mult_out, &shift);
  if (shift < -31) {
    d->mult_out = 0;
    shift = 0;
  }
  d->shift_out = static_cast<int8_t>(shift);
  return shift;
}

void CheckAllTypes(Level level) {
  x86_test::CheckArith<int8_t>(level, x86::MulInt8At, reference::MulInt8, TensorType::kINT8,
                               MulQuant<int8_t>);
  x86_test::CheckArith<int16_t>(level, x86::MulInt16At, reference::MulInt16, TensorType::kINT16,
                                MulQuant<int16_t>);
}

MICROML_X86_MATCHES_REFERENCE_TESTS(X86Mul, CheckAllTypes)

}  // namespace
}  // namespace microml

#endif  // __x86_64__
