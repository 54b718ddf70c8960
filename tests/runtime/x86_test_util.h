// What the x86 differential tests share: one test per x86 level (a level this
// CPU lacks is skipped with a message), the random draws their cases are made
// of, and the printable shapes and bit-exact float comparison of their
// failure messages.
#ifndef MICROML_TESTS_RUNTIME_X86_TEST_UTIL_H_
#define MICROML_TESTS_RUNTIME_X86_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <stdint.h>
#include <string.h>

#include <limits>
#include <ostream>
#include <random>
#include <vector>

#include "kernels/padding.h"
#include "kernels/x86/cpu.h"
#include "microml/tensor.h"

// TEST(suite, name) running check(level), or skipping when the CPU lacks
// level. The skip sits in the test body: GTEST_SKIP in a helper would only
// leave the helper.
#define MICROML_X86_LEVEL_TEST(suite, name, level, check)                                        \
  TEST(suite, name) {                                                                            \
    if ((level) > ::microml::x86::SupportedLevel()) {                                            \
      GTEST_SKIP() << "x86 level " << ::microml::x86::LevelName(level) << ": this CPU lacks it"; \
    }                                                                                            \
    check(level);                                                                                \
  }

// The four <Level>MatchesReference tests of a suite.
#define MICROML_X86_MATCHES_REFERENCE_TESTS(suite, check)                                          \
  MICROML_X86_LEVEL_TEST(suite, PortableMatchesReference, ::microml::x86::Level::kPortable, check) \
  MICROML_X86_LEVEL_TEST(suite, Sse41MatchesReference, ::microml::x86::Level::kSse41, check)       \
  MICROML_X86_LEVEL_TEST(suite, Avx2MatchesReference, ::microml::x86::Level::kAvx2, check)         \
  MICROML_X86_LEVEL_TEST(suite, Avx512VnniMatchesReference, ::microml::x86::Level::kAvx512Vnni,    \
                         check)

namespace microml {
namespace x86_test {

inline int32_t Uniform(std::mt19937& rng, int32_t lo, int32_t hi) {
  return std::uniform_int_distribution<int32_t>(lo, hi)(rng);
}

inline std::vector<int8_t> RandomBytes(std::mt19937& rng, size_t n, int lo, int hi) {
  std::uniform_int_distribution<int> value(lo, hi);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(value(rng));
  return v;
}

// n floats in [-3, 3): sums of a few dozen products stay far from overflow.
inline std::vector<float> RandomFloats(std::mt19937& rng, size_t n) {
  std::uniform_real_distribution<float> value(-3.0f, 3.0f);
  std::vector<float> v(n);
  for (float& x : v) x = value(rng);
  return v;
}

// The float kernels add in the reference's order, so they must match it bit
// for bit (a tolerance would hide a reordered sum).
inline ::testing::AssertionResult SameBits(const std::vector<float>& got,
                                           const std::vector<float>& want) {
  if (got.size() == want.size() &&
      memcmp(got.data(), want.data(), got.size() * sizeof(float)) == 0) {
    return ::testing::AssertionSuccess();
  }
  size_t i = 0;
  while (i < got.size() && i < want.size() && memcmp(&got[i], &want[i], sizeof(float)) == 0) {
    ++i;
  }
  return ::testing::AssertionFailure() << "first difference at " << i << " of " << want.size();
}

// SAME or VALID padding at random (SAME where VALID leaves no output), and
// the output size and padding that follow, for a convolution's params d and
// shape s (CONV_2D and DEPTHWISE_CONV_2D name their fields alike).
template <typename Params, typename WindowShape>
void RandomPadding(std::mt19937& rng, Params* d, WindowShape* s) {
  Padding padding = Uniform(rng, 0, 1) == 0 ? Padding::kSame : Padding::kValid;
  if (WindowOutputSize(Padding::kValid, s->in_h, s->f_h, d->stride_h, d->dilation_h) < 1 ||
      WindowOutputSize(Padding::kValid, s->in_w, s->f_w, d->stride_w, d->dilation_w) < 1) {
    padding = Padding::kSame;
  }
  s->out_h = WindowOutputSize(padding, s->in_h, s->f_h, d->stride_h, d->dilation_h);
  s->out_w = WindowOutputSize(padding, s->in_w, s->f_w, d->stride_w, d->dilation_w);
  int32_t extra = 0;
  d->pad_h = WindowPadding(d->stride_h, d->dilation_h, s->in_h, s->f_h, s->out_h, &extra);
  d->pad_w = WindowPadding(d->stride_w, d->dilation_w, s->in_w, s->f_w, s->out_w, &extra);
}

// A float kernel's activation range: RELU6's, or none.
template <typename Params>
void SetFloatRange(bool relu6, Params* d) {
  d->float_min = relu6 ? 0.0f : std::numeric_limits<float>::lowest();
  d->float_max = relu6 ? 6.0f : std::numeric_limits<float>::max();
}

// A shape over dims (not owned), printable in failure messages.
struct Shape {
  const int32_t* dims;
  int rank;

  size_t Count() const {
    size_t n = 1;
    for (int i = 0; i < rank; ++i) n *= static_cast<size_t>(dims[i]);
    return n;
  }
  template <typename T>
  Tensor Of(T* data, TensorType type) const {
    return {data, dims, static_cast<uint32_t>(Count() * sizeof(T)), static_cast<uint8_t>(rank),
            type, 0};
  }
};

inline std::ostream& operator<<(std::ostream& os, const Shape& s) {
  os << "[";
  for (int i = 0; i < s.rank; ++i) os << (i ? "x" : "") << s.dims[i];
  return os << "]";
}

}  // namespace x86_test
}  // namespace microml

#endif  // MICROML_TESTS_RUNTIME_X86_TEST_UTIL_H_
