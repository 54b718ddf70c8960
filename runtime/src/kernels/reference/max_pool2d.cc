// MAX_POOL_2D over NHWC tensors: float32, int8, int16.
#include <limits>

#include "kernels/prepare/pooling.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// `lo`/`hi` are the clamp range in T; max and clamp use TFLM's comparison
// order so that float NaNs propagate identically.
template <typename T>
void MaxPool(const PoolData& d, const Tensor& in, const Tensor& out, T lo, T hi) {
  const T* x = in.data_as<const T>();
  T* y = out.data_as<T>();
  const int32_t batches = in.dims[0], in_h = in.dims[1], in_w = in.dims[2], depth = in.dims[3];
  const int32_t out_h = out.dims[1], out_w = out.dims[2];
  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t oy = 0; oy < out_h; ++oy) {
      for (int32_t ox = 0; ox < out_w; ++ox) {
        const PoolWindow w = WindowAt(d, in_h, in_w, oy, ox);
        for (int32_t c = 0; c < depth; ++c) {
          T m = std::numeric_limits<T>::lowest();
          for (int32_t iy = w.y0; iy < w.y1; ++iy) {
            const T* row = x + ((static_cast<size_t>(b) * in_h + iy) * in_w) * depth + c;
            for (int32_t ix = w.x0; ix < w.x1; ++ix) {
              const T v = row[static_cast<size_t>(ix) * depth];
              m = m < v ? v : m;
            }
          }
          m = m < lo ? lo : m;
          *y++ = hi < m ? hi : m;
        }
      }
    }
  }
}

Status MaxPoolEval(OpContext& ctx) {
  const PoolData& d = *ctx.op_data_as<PoolData>();
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  switch (in.type) {
    case TensorType::kFLOAT32:
      reference::MaxPool2DFloat(d, in, out);
      break;
    case TensorType::kINT8:
      reference::MaxPool2DInt8(d, in, out);
      break;
    default:
      reference::MaxPool2DInt16(d, in, out);
      break;
  }
  return Status::kOk;
}

}  // namespace

namespace reference {

void MaxPool2DFloat(const PoolData& d, const Tensor& in, const Tensor& out) {
  MaxPool<float>(d, in, out, d.f_min, d.f_max);
}

void MaxPool2DInt8(const PoolData& d, const Tensor& in, const Tensor& out) {
  MaxPool<int8_t>(d, in, out, static_cast<int8_t>(d.act_min), static_cast<int8_t>(d.act_max));
}

void MaxPool2DInt16(const PoolData& d, const Tensor& in, const Tensor& out) {
  MaxPool<int16_t>(d, in, out, static_cast<int16_t>(d.act_min), static_cast<int16_t>(d.act_max));
}

}  // namespace reference

const KernelRegistration kRegisterMaxPool2D = {static_cast<int32_t>(BuiltinOp::kMAX_POOL_2D),
                                               nullptr,
                                               3,
                                               PoolPrepare,
                                               MaxPoolEval,
                                               nullptr,
                                               "float32 int8 int16"};

}  // namespace microml
