// AVERAGE_POOL_2D over NHWC tensors: float32, int8, int16.
#include "kernels/prepare/pooling.h"
#include "microml/kernels.h"

namespace microml {

namespace {

// Integer average rounded half away from zero, as TFLM does.
template <typename T>
void AveragePoolQuantized(const PoolData& d, const Tensor& in, const Tensor& out) {
  const T* x = in.data_as<const T>();
  T* y = out.data_as<T>();
  const int32_t batches = in.dims[0], in_h = in.dims[1], in_w = in.dims[2], depth = in.dims[3];
  const int32_t out_h = out.dims[1], out_w = out.dims[2];
  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t oy = 0; oy < out_h; ++oy) {
      for (int32_t ox = 0; ox < out_w; ++ox) {
        const PoolWindow w = WindowAt(d, in_h, in_w, oy, ox);
        const int32_t count = (w.y1 - w.y0) * (w.x1 - w.x0);
        for (int32_t c = 0; c < depth; ++c) {
          int32_t acc = 0;
          for (int32_t iy = w.y0; iy < w.y1; ++iy) {
            const T* row = x + ((static_cast<size_t>(b) * in_h + iy) * in_w) * depth + c;
            for (int32_t ix = w.x0; ix < w.x1; ++ix) acc += row[static_cast<size_t>(ix) * depth];
          }
          acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          acc = acc < d.act_min ? d.act_min : acc;
          acc = acc > d.act_max ? d.act_max : acc;
          *y++ = static_cast<T>(acc);
        }
      }
    }
  }
}

Status AveragePoolEval(OpContext& ctx) {
  const PoolData& d = *ctx.op_data_as<PoolData>();
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  switch (in.type) {
    case TensorType::kFLOAT32:
      reference::AveragePool2DFloat(d, in, out);
      break;
    case TensorType::kINT8:
      reference::AveragePool2DInt8(d, in, out);
      break;
    default:
      reference::AveragePool2DInt16(d, in, out);
      break;
  }
  return Status::kOk;
}

}  // namespace

namespace reference {

void AveragePool2DFloat(const PoolData& d, const Tensor& in, const Tensor& out) {
  const float* x = in.data_as<const float>();
  float* y = out.data_as<float>();
  const int32_t batches = in.dims[0], in_h = in.dims[1], in_w = in.dims[2], depth = in.dims[3];
  const int32_t out_h = out.dims[1], out_w = out.dims[2];
  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t oy = 0; oy < out_h; ++oy) {
      for (int32_t ox = 0; ox < out_w; ++ox) {
        const PoolWindow w = WindowAt(d, in_h, in_w, oy, ox);
        for (int32_t c = 0; c < depth; ++c) {
          float total = 0.0f;
          float count = 0.0f;
          for (int32_t iy = w.y0; iy < w.y1; ++iy) {
            const float* row = x + ((static_cast<size_t>(b) * in_h + iy) * in_w) * depth + c;
            for (int32_t ix = w.x0; ix < w.x1; ++ix) {
              total += row[static_cast<size_t>(ix) * depth];
              count += 1.0f;
            }
          }
          const float avg = total / count;
          const float lo = avg < d.f_min ? d.f_min : avg;
          *y++ = d.f_max < lo ? d.f_max : lo;
        }
      }
    }
  }
}

void AveragePool2DInt8(const PoolData& d, const Tensor& in, const Tensor& out) {
  AveragePoolQuantized<int8_t>(d, in, out);
}

void AveragePool2DInt16(const PoolData& d, const Tensor& in, const Tensor& out) {
  AveragePoolQuantized<int16_t>(d, in, out);
}

}  // namespace reference

const KernelRegistration kRegisterAveragePool2D = {
    static_cast<int32_t>(BuiltinOp::kAVERAGE_POOL_2D),
    nullptr,
    3,
    PoolPrepare,
    AveragePoolEval,
    nullptr,
    "float32 int8 int16"};

}  // namespace microml
