// Differential checks of the x86-64 int8 SOFTMAX compute (int8 and int16
// outputs) at every level this CPU has against the reference compute: rows
// of every length around the 8-lane step, input scales and betas from those
// whose differences all reach diff_min to the capped multiplier, rows of one
// repeated value and rows long enough for the Q12.19 sum to wrap. Levels the
// CPU lacks are skipped with a message.
#if defined(__x86_64__)

#include <gtest/gtest.h>
#include <stdint.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/quantization.h"
#include "kernels/x86/softmax.h"
#include "x86_test_util.h"

namespace microml {
namespace {

using x86::Level;
using x86_test::Uniform;

// SoftmaxPrepare's int8 parameters for beta * input scale = 2^log2_real.
SoftmaxData Params(double log2_real) {
  SoftmaxData d = {};
  double real = std::pow(2.0, log2_real + 26);
  const double kMaxReal = static_cast<double>((1LL << 31) - 1);
  if (real > kMaxReal) real = kMaxReal;
  int shift = 0;
  QuantizeMultiplier(real, &d.input_multiplier, &shift);
  d.input_left_shift = shift;
  d.diff_min = -static_cast<int32_t>(
      std::floor(31.0 * static_cast<double>(1LL << 26) / static_cast<double>(1LL << shift)));
  return d;
}

template <typename Out>
void CheckLevel(Level level, TensorType out_type) {
  std::mt19937 rng(static_cast<unsigned>(level) * 13 + sizeof(Out));
  std::uniform_real_distribution<double> log2_real(-25.0, 8.0);
  for (int trial = 0; trial < 3000; ++trial) {
    const double e = log2_real(rng);
    const SoftmaxData d = Params(e);
    int32_t dims[2] = {Uniform(rng, 1, 3),
                       trial == 0 ? 5000 : Uniform(rng, 1, trial % 4 == 0 ? 400 : 40)};
    const size_t n = static_cast<size_t>(dims[0]) * dims[1];
    std::vector<int8_t> input(n);
    const bool flat = trial % 9 == 0;
    const int32_t lo = Uniform(rng, -128, 127), hi = Uniform(rng, lo, 127);
    for (int8_t& v : input) v = static_cast<int8_t>(flat ? lo : Uniform(rng, lo, hi));
    std::vector<Out> want(n), got(n);
    const Tensor in = {input.data(), dims, static_cast<uint32_t>(n), 2, TensorType::kINT8, 0};
    Tensor out = {want.data(), dims, static_cast<uint32_t>(n * sizeof(Out)), 2, out_type, 0};
    reference::Softmax(d, in, out);
    out.data = got.data();
    x86::SoftmaxAt(level, d, in, out);
    ASSERT_EQ(got, want) << "rows " << dims[0] << " depth " << dims[1] << " log2(beta * scale) "
                         << e << " inputs " << lo << ".." << hi;
  }
}

void CheckBothOutputs(Level level) {
  CheckLevel<int8_t>(level, TensorType::kINT8);
  CheckLevel<int16_t>(level, TensorType::kINT16);
}

MICROML_X86_MATCHES_REFERENCE_TESTS(X86Softmax, CheckBothOutputs)

}  // namespace
}  // namespace microml

#endif  // __x86_64__
