// Shared prepare and window arithmetic of AVERAGE_POOL_2D, MAX_POOL_2D and
// L2_POOL_2D (NHWC, input and output with equal quantization), and the eval
// and reference computes of the first two.
#ifndef MICROML_KERNELS_PREPARE_POOLING_H_
#define MICROML_KERNELS_PREPARE_POOLING_H_

#include <stdint.h>

#include "microml/kernel.h"

namespace microml {

struct PoolData {
  int32_t stride_h;
  int32_t stride_w;
  int32_t filter_h;
  int32_t filter_w;
  int32_t pad_h;
  int32_t pad_w;
  int32_t act_min;
  int32_t act_max;
  float f_min;
  float f_max;
};

// Input rows/columns [y0, y1) x [x0, x1) under output pixel (oy, ox); never
// empty once prepare has passed.
struct PoolWindow {
  int32_t y0, y1, x0, x1;
};

inline PoolWindow WindowAt(const PoolData& d, int32_t in_h, int32_t in_w, int32_t oy, int32_t ox) {
  const int32_t oy0 = oy * d.stride_h - d.pad_h;
  const int32_t ox0 = ox * d.stride_w - d.pad_w;
  PoolWindow w;
  w.y0 = oy0 < 0 ? 0 : oy0;
  w.y1 = oy0 + d.filter_h < in_h ? oy0 + d.filter_h : in_h;
  w.x0 = ox0 < 0 ? 0 : ox0;
  w.x1 = ox0 + d.filter_w < in_w ? ox0 + d.filter_w : in_w;
  return w;
}

// Validates a float32 / int8 / int16 pooling operator and allocates its
// PoolData as persistent op data.
Status PreparePool(OpContext& ctx, PoolData** out_data);

// The prepare of AVERAGE_POOL_2D and MAX_POOL_2D.
Status PoolPrepare(OpContext& ctx);

// WindowOverlap of every pooling kernel (all work one output pixel at a time).
bool PoolOverlap(OpContext& ctx, WindowOverlap* out);
// RowWindow of every pooling kernel.
bool PoolRowWindow(OpContext& ctx, RowWindow* out);

// A compute of AVERAGE_POOL_2D or MAX_POOL_2D for one type, reference or
// optimized.
using PoolCompute = void (*)(const PoolData& d, const Tensor& in, const Tensor& out);

// The eval of AVERAGE_POOL_2D and MAX_POOL_2D: the compute for the input type.
template <PoolCompute kFloat, PoolCompute kInt8, PoolCompute kInt16>
Status EvalPool(OpContext& ctx) {
  const PoolData& d = *ctx.op_data_as<PoolData>();
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  switch (in.type) {
    case TensorType::kFLOAT32:
      kFloat(d, in, out);
      break;
    case TensorType::kINT8:
      kInt8(d, in, out);
      break;
    default:
      kInt16(d, in, out);
      break;
  }
  return Status::kOk;
}

namespace reference {

void AveragePool2DFloat(const PoolData& d, const Tensor& in, const Tensor& out);
void AveragePool2DInt8(const PoolData& d, const Tensor& in, const Tensor& out);
void AveragePool2DInt16(const PoolData& d, const Tensor& in, const Tensor& out);
void MaxPool2DFloat(const PoolData& d, const Tensor& in, const Tensor& out);
void MaxPool2DInt8(const PoolData& d, const Tensor& in, const Tensor& out);
void MaxPool2DInt16(const PoolData& d, const Tensor& in, const Tensor& out);

}  // namespace reference

}  // namespace microml

#endif  // MICROML_KERNELS_PREPARE_POOLING_H_
