// What the pooling computes (arm/pooling.cc and its x86 twin) share: the
// window of each output pixel, walked in NHWC order, and the reference's
// rounded average.
#ifndef MICROML_KERNELS_ARM_POOL_WINDOW_H_
#define MICROML_KERNELS_ARM_POOL_WINDOW_H_

#include <stddef.h>
#include <stdint.h>

#include "kernels/prepare/pooling.h"

namespace microml {
namespace arm {

// One output pixel's window: `rows` x `cols` pixels from `first`, rows
// `row_stride` elements apart, pixels `depth` apart.
template <typename T>
struct Window {
  const T* first;
  int32_t rows;
  int32_t cols;
  int32_t row_stride;
  int32_t depth;

  const T* Row(int32_t r, int32_t c) const {
    return first + static_cast<size_t>(r) * row_stride + c;
  }
};

// Calls pixel(window, y) for every output pixel in NHWC order, y being its
// `depth` outputs.
template <typename T, typename F>
void ForEachWindow(const PoolData& d, const Tensor& in, const Tensor& out, F pixel) {
  const T* x = in.data_as<const T>();
  T* y = out.data_as<T>();
  const int32_t batches = in.dims[0], in_h = in.dims[1], in_w = in.dims[2], depth = in.dims[3];
  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t oy = 0; oy < out.dims[1]; ++oy) {
      for (int32_t ox = 0; ox < out.dims[2]; ++ox, y += depth) {
        const PoolWindow w = WindowAt(d, in_h, in_w, oy, ox);
        const Window<T> win = {x + ((static_cast<size_t>(b) * in_h + w.y0) * in_w + w.x0) * depth,
                               w.y1 - w.y0, w.x1 - w.x0, in_w * depth, depth};
        pixel(win, y);
      }
    }
  }
}

// Rounded half away from zero and clamped, as the reference.
inline int32_t Average(int32_t sum, int32_t count, int32_t lo, int32_t hi) {
  int32_t v = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
  v = v < lo ? lo : v;
  return v > hi ? hi : v;
}

}  // namespace arm
}  // namespace microml

#endif  // MICROML_KERNELS_ARM_POOL_WINDOW_H_
