// The walk of the reference pooling computes (AVERAGE_POOL_2D, MAX_POOL_2D,
// L2_POOL_2D) over every output value of an NHWC tensor and its window.
#ifndef MICROML_KERNELS_REFERENCE_POOL_WINDOWS_H_
#define MICROML_KERNELS_REFERENCE_POOL_WINDOWS_H_

#include <stddef.h>
#include <stdint.h>

#include "kernels/prepare/pooling.h"

namespace microml {

// Each output value is finish(acc, window), acc having started at `init` and
// taken step(acc, v) for the window's input values v, row by row.
template <typename T, typename Acc, typename Step, typename Finish>
void PoolEachWindow(const PoolData& d, const Tensor& in, const Tensor& out, Acc init, Step step,
                    Finish finish) {
  const T* x = in.data_as<const T>();
  T* y = out.data_as<T>();
  const int32_t batches = in.dims[0], in_h = in.dims[1], in_w = in.dims[2], depth = in.dims[3];
  const int32_t out_h = out.dims[1], out_w = out.dims[2];
  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t oy = 0; oy < out_h; ++oy) {
      for (int32_t ox = 0; ox < out_w; ++ox) {
        const PoolWindow w = WindowAt(d, in_h, in_w, oy, ox);
        for (int32_t c = 0; c < depth; ++c) {
          Acc acc = init;
          for (int32_t iy = w.y0; iy < w.y1; ++iy) {
            const T* row = x + ((static_cast<size_t>(b) * in_h + iy) * in_w) * depth + c;
            for (int32_t ix = w.x0; ix < w.x1; ++ix)
              step(acc, row[static_cast<size_t>(ix) * depth]);
          }
          *y++ = finish(acc, w);
        }
      }
    }
  }
}

}  // namespace microml

#endif  // MICROML_KERNELS_REFERENCE_POOL_WINDOWS_H_
