// Differential tests of optimized kernels against the reference computes on
// the target itself (kernel_diff_test.cc runs them): each suite draws random
// operator parameters and data, runs both computes and compares the outputs
// byte for byte.
#ifndef MICROML_CORTEX_M_KERNEL_DIFF_H_
#define MICROML_CORTEX_M_KERNEL_DIFF_H_

#include <stdint.h>

namespace microml_cortex_m {

// xorshift32: the same cases on every run and core, no library state.
class Rng {
 public:
  explicit Rng(uint32_t seed) : state_(seed) {}
  uint32_t Next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_;
  }
  // Uniform in [lo, hi].
  int32_t Uniform(int32_t lo, int32_t hi) {
    return lo + static_cast<int32_t>(Next() % static_cast<uint32_t>(hi - lo + 1));
  }

 private:
  uint32_t state_;
};

// One random case of a suite; false (after printing what differed) on a
// mismatch.
using DiffCase = bool (*)(Rng& rng, int index);

// int8 DEPTHWISE_CONV_2D: arm::DepthwiseConv2DInt8 vs the reference.
bool DepthwiseDiffCase(Rng& rng, int index);
// int8 CONV_2D: arm::Conv2DInt8 vs the reference.
bool Conv2DDiffCase(Rng& rng, int index);
// int8 FULLY_CONNECTED: arm::FullyConnectedInt8 vs the reference.
bool FullyConnectedDiffCase(Rng& rng, int index);

}  // namespace microml_cortex_m

#endif  // MICROML_CORTEX_M_KERNEL_DIFF_H_
