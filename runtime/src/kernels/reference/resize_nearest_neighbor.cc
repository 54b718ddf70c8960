// RESIZE_NEAREST_NEIGHBOR of NHWC float32, int8 and int16 tensors to a
// constant size, with align_corners and/or half_pixel_centers; the source
// pixel is chosen with TFLM's float arithmetic.
#include <string.h>

#include <cmath>

#include "kernels/reference/resize_shape.h"
#include "microml/kernels.h"

namespace microml {

namespace {

constexpr int kAlignCornersField = 0;
constexpr int kHalfPixelCentersField = 1;

Status ResizeNearestNeighborPrepare(OpContext& ctx) {
  MICROML_RETURN_IF_ERROR(PrepareResizeShapes(ctx));
  const TensorType type = ctx.input(0)->type;
  const bool type_ok =
      type == TensorType::kFLOAT32 || type == TensorType::kINT8 || type == TensorType::kINT16;
  if (!type_ok || ctx.output(0)->type != type) return ctx.FailUnsupportedTypes();
  return Status::kOk;
}

int32_t Nearest(int32_t i, int32_t in, int32_t out, const ResizeOptions& o) {
  const float scale = (o.align_corners && out > 1)
                          ? static_cast<float>(in - 1) / static_cast<float>(out - 1)
                          : static_cast<float>(in) / static_cast<float>(out);
  const float offset = o.half_pixel_centers ? 0.5f : 0.0f;
  const float pos = (static_cast<float>(i) + offset) * scale;
  int32_t v = static_cast<int32_t>(o.align_corners ? std::round(pos) : std::floor(pos));
  if (v > in - 1) v = in - 1;
  if (o.half_pixel_centers && v < 0) v = 0;
  return v;
}

Status ResizeNearestNeighborEval(OpContext& ctx) {
  const Tensor& in = *ctx.input(0);
  const Tensor& out = *ctx.output(0);
  const ResizeOptions o = ReadResizeOptions(ctx, OptionsType::kResizeNearestNeighborOptions,
                                            kAlignCornersField, kHalfPixelCentersField);
  const int32_t in_h = in.dims[1], in_w = in.dims[2];
  const int32_t out_h = out.dims[1], out_w = out.dims[2];
  const size_t pixel = static_cast<size_t>(in.dims[3]) * TensorTypeSize(in.type);
  if (pixel == 0) return Status::kOk;
  const uint8_t* src = in.data_as<const uint8_t>();
  uint8_t* dst = out.data_as<uint8_t>();
  const size_t row = static_cast<size_t>(in_w) * pixel;
  for (int32_t b = 0; b < in.dims[0]; ++b) {
    const uint8_t* image = src + static_cast<size_t>(b) * in_h * row;
    for (int32_t y = 0; y < out_h; ++y) {
      const uint8_t* line = image + static_cast<size_t>(Nearest(y, in_h, out_h, o)) * row;
      for (int32_t x = 0; x < out_w; ++x, dst += pixel) {
        memcpy(dst, line + static_cast<size_t>(Nearest(x, in_w, out_w, o)) * pixel, pixel);
      }
    }
  }
  return Status::kOk;
}

}  // namespace

const KernelRegistration kRegisterResizeNearestNeighbor = {
    static_cast<int32_t>(BuiltinOp::kRESIZE_NEAREST_NEIGHBOR),
    nullptr,
    4,
    ResizeNearestNeighborPrepare,
    ResizeNearestNeighborEval,
    nullptr,
    "float32 int8 int16"};

}  // namespace microml
