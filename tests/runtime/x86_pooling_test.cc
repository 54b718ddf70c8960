// Differential checks of the x86-64 AVERAGE_POOL_2D and MAX_POOL_2D computes
// at every level this CPU has against the reference computes: random shapes
// with channel counts around every vector width (and their leftovers),
// windows cut by padding, windows over 256 pixels (int8 averages then leave
// the 16-bit sums), extreme inputs and narrowed activation ranges. Levels the
// CPU lacks are skipped with a message.
#if defined(__x86_64__)

#include <gtest/gtest.h>
#include <stdint.h>

#include <random>
#include <vector>

#include "kernels/x86/pooling.h"
#include "x86_test_util.h"

namespace microml {
namespace {

using x86::Level;
using x86_test::Uniform;

using PoolAt = void (*)(Level, const PoolData&, const Tensor&, const Tensor&);

template <typename T>
void CheckLevel(Level level, PoolAt optimized, PoolCompute reference, TensorType type) {
  constexpr int32_t kMin = sizeof(T) == 1 ? -128 : -32768;
  constexpr int32_t kMax = sizeof(T) == 1 ? 127 : 32767;
  std::mt19937 rng(static_cast<unsigned>(level) * 31 + sizeof(T));
  for (int trial = 0; trial < 300; ++trial) {
    const bool big = trial % 10 == 0;
    int32_t dims[4] = {Uniform(rng, 1, 2), Uniform(rng, 1, big ? 24 : 9),
                       Uniform(rng, 1, big ? 24 : 9), Uniform(rng, 1, trial % 3 == 0 ? 70 : 36)};
    PoolData d = {};
    d.filter_h = Uniform(rng, 1, big ? 24 : 4);
    d.filter_w = Uniform(rng, 1, big ? 24 : 4);
    d.stride_h = Uniform(rng, 1, 3);
    d.stride_w = Uniform(rng, 1, 3);
    // Padding up to filter - 1 keeps every window non-empty.
    d.pad_h = Uniform(rng, 0, d.filter_h - 1);
    d.pad_w = Uniform(rng, 0, d.filter_w - 1);
    d.act_min = trial % 4 == 0 ? Uniform(rng, kMin, kMax / 2) : kMin;
    d.act_max = trial % 5 == 0 ? Uniform(rng, kMin / 2, kMax) : kMax;
    const int32_t out_h = (dims[1] + 2 * d.pad_h - d.filter_h) / d.stride_h + 1;
    const int32_t out_w = (dims[2] + 2 * d.pad_w - d.filter_w) / d.stride_w + 1;
    if (out_h < 1 || out_w < 1) continue;
    int32_t out_dims[4] = {dims[0], out_h, out_w, dims[3]};
    // Every few trials only the extremes, so sums reach their bounds.
    const bool extreme = trial % 6 == 0;
    std::vector<T> input(static_cast<size_t>(dims[0]) * dims[1] * dims[2] * dims[3]);
    for (T& v : input) {
      v = static_cast<T>(extreme ? (Uniform(rng, 0, 3) == 0 ? kMax : kMin)
                                 : Uniform(rng, kMin, kMax));
    }
    const size_t outputs = static_cast<size_t>(dims[0]) * out_h * out_w * dims[3];
    std::vector<T> want(outputs), got(outputs);
    const Tensor in = {input.data(), dims, static_cast<uint32_t>(input.size() * sizeof(T)), 4,
                       type,         0};
    Tensor out = {want.data(), out_dims, static_cast<uint32_t>(outputs * sizeof(T)), 4, type, 0};
    reference(d, in, out);
    out.data = got.data();
    optimized(level, d, in, out);
    ASSERT_EQ(got, want) << "input " << dims[0] << "x" << dims[1] << "x" << dims[2] << "x"
                         << dims[3] << " filter " << d.filter_h << "x" << d.filter_w << " stride "
                         << d.stride_h << "x" << d.stride_w << " pad " << d.pad_h << "x" << d.pad_w
                         << " range " << d.act_min << ".." << d.act_max;
  }
}

void CheckAllTypes(Level level) {
  CheckLevel<int8_t>(level, x86::AveragePool2DInt8At, reference::AveragePool2DInt8,
                     TensorType::kINT8);
  CheckLevel<int8_t>(level, x86::MaxPool2DInt8At, reference::MaxPool2DInt8, TensorType::kINT8);
  CheckLevel<int16_t>(level, x86::AveragePool2DInt16At, reference::AveragePool2DInt16,
                      TensorType::kINT16);
  CheckLevel<int16_t>(level, x86::MaxPool2DInt16At, reference::MaxPool2DInt16, TensorType::kINT16);
}

MICROML_X86_MATCHES_REFERENCE_TESTS(X86Pooling, CheckAllTypes)

}  // namespace
}  // namespace microml

#endif  // __x86_64__
